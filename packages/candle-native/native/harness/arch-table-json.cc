// `xcandle-harness arch-table`: the architecture table as JSON, in the shape of @x/runtime's
// ARCHITECTURES (camelCase keys, optional fields left out when unset), so a test can compare them.
#include <cstdio>
#include <string>

#include "check.h"
#include "models/arch-table.h"

namespace xch {

namespace {

std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.9g", value);
  return text;
}

std::string row(const xc::ArchSpec& a) {
  auto flag = [](bool value) { return value ? "true" : "false"; };
  std::string json = "{";
  json += std::string("\"rope\":\"") + (a.rope == xc::cpu::RopeStyle::Neox ? "neox" : "normal") + "\"";
  json += std::string(",\"attentionBias\":") + flag(a.attention_bias);
  json += std::string(",\"fusedQkv\":") + flag(a.fused_qkv);
  json += std::string(",\"fusedGateUp\":") + flag(a.fused_gate_up);
  json += std::string(",\"qkNorm\":") + flag(a.qk_norm);
  json += std::string(",\"postNorms\":") + flag(a.post_norms);
  json += std::string(",\"scaleEmbedding\":") + flag(a.scale_embedding);
  json += std::string(",\"activation\":\"") + (a.activation == xc::FfnActivation::GeluTanh ? "gelu-tanh" : "silu") + "\"";
  json += ",\"slidingWindowPattern\":" + number(a.sliding_window_pattern);
  if (a.default_sliding_window > 0) json += ",\"defaultSlidingWindow\":" + number(a.default_sliding_window);
  if (a.sliding_rope_base > 0) json += ",\"slidingRopeBase\":" + number(a.sliding_rope_base);
  if (a.default_attention_softcap > 0 || a.default_final_softcap > 0) {
    json += ",\"defaultSoftcap\":{\"attention\":" + number(a.default_attention_softcap) +
            ",\"final\":" + number(a.default_final_softcap) + "}";
  }
  if (a.query_scale.embedding_per_head_at_layer_count > 0) {
    json += ",\"queryScaleByEmbeddingAtLayerCount\":" + number(a.query_scale.embedding_per_head_at_layer_count);
  }
  return json + "}";
}

}  // namespace

int run_arch_table() {
  std::string json = "{";
  for (const xc::ArchSpec* a = xc::architectures_begin(); a != xc::architectures_end(); a++) {
    if (a != xc::architectures_begin()) json += ",";
    json += "\n  \"" + std::string(a->name) + "\":" + row(*a);
  }
  std::printf("%s\n}\n", json.c_str());
  return 0;
}

}  // namespace xch
