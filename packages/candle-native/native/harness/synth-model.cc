#include <cmath>
#include <cstdio>
#include <random>
#include <stdexcept>

#include "gguf-writer.h"
#include "models/arch-table.h"

namespace xch {

using xc::GgmlType;

namespace {

class Random {
 public:
  explicit Random(uint32_t seed) : engine_(seed) {}
  std::vector<float> uniform(size_t n, float center, float spread) {
    std::uniform_real_distribution<float> dist(-spread, spread);
    std::vector<float> values(n);
    for (float& v : values) v = center + dist(engine_);
    return values;
  }

 private:
  std::mt19937 engine_;
};

}  // namespace

void write_synth_model(const SynthSpec& s, const std::string& path) {
  const xc::ArchSpec* arch = xc::find_arch(s.architecture);
  GgufWriter w;
  Random random(s.seed);
  const std::string a = s.architecture;
  const int64_t dim = s.embedding;
  const int64_t hd = s.head_dim > 0 ? s.head_dim : s.embedding / s.heads;
  const int64_t q_dim = s.heads * hd;
  const int64_t kv_dim = s.kv_heads * hd;
  const int64_t ff = s.feed_forward;

  w.add_string("general.architecture", a);
  w.add_string("general.name", "synthetic " + a);
  w.add_u32(a + ".context_length", static_cast<uint32_t>(s.context));
  w.add_u32(a + ".embedding_length", static_cast<uint32_t>(dim));
  w.add_u32(a + ".block_count", static_cast<uint32_t>(s.layers));
  w.add_u32(a + ".feed_forward_length", static_cast<uint32_t>(ff));
  w.add_u32(a + ".attention.head_count", static_cast<uint32_t>(s.heads));
  w.add_u32(a + ".attention.head_count_kv", static_cast<uint32_t>(s.kv_heads));
  w.add_u32(a + ".attention.key_length", static_cast<uint32_t>(hd));
  w.add_u32(a + ".attention.value_length", static_cast<uint32_t>(hd));
  w.add_u32(a + ".rope.dimension_count", static_cast<uint32_t>(hd));
  w.add_f32(a + ".attention.layer_norm_rms_epsilon", 1e-5f);
  w.add_f32(a + ".rope.freq_base", s.rope_base);
  if (arch != nullptr && arch->sliding_window_pattern > 0) w.add_u32(a + ".attention.sliding_window", 16);
  if (s.with_tokenizer) {
    std::vector<std::string> tokens{"<unk>", "<s>", "</s>"};
    std::vector<int32_t> types{2, 3, 3};
    for (int b = 0; b < 256; b++) {
      char name[8];
      std::snprintf(name, sizeof(name), "<0x%02X>", b);
      tokens.emplace_back(name);
      types.push_back(6);
    }
    while (static_cast<int>(tokens.size()) < s.vocab) {
      tokens.push_back("\xe2\x96\x81t" + std::to_string(tokens.size()));
      types.push_back(1);
    }
    w.add_string("tokenizer.ggml.model", "llama");
    w.add_string_array("tokenizer.ggml.tokens", tokens);
    w.add_f32_array("tokenizer.ggml.scores", std::vector<float>(tokens.size(), 0.0f));
    w.add_i32_array("tokenizer.ggml.token_type", types);
    w.add_u32("tokenizer.ggml.bos_token_id", 1);
    w.add_u32("tokenizer.ggml.eos_token_id", 2);
    w.add_u32("tokenizer.ggml.unknown_token_id", 0);
  }

  auto matrix = [&](const std::string& name, int64_t rows, int64_t cols) {
    const std::vector<float> values =
        random.uniform(static_cast<size_t>(rows * cols), 0.0f, 1.7f / std::sqrt(static_cast<float>(cols)));
    w.add_tensor(name, {cols, rows}, s.type, encode_tensor(s.type, values, cols));
  };
  auto vector = [&](const std::string& name, int64_t n, float center, float spread) {
    w.add_tensor(name, {n}, GgmlType::F32, encode_tensor(GgmlType::F32, random.uniform(static_cast<size_t>(n), center, spread), n));
  };

  {
    const std::vector<float> values = random.uniform(static_cast<size_t>(s.vocab * dim), 0.0f, 1.0f);
    w.add_tensor("token_embd.weight", {dim, s.vocab}, s.type, encode_tensor(s.type, values, dim));
  }
  const bool fused_qkv = arch != nullptr && arch->fused_qkv;
  const bool fused_gate_up = arch != nullptr && arch->fused_gate_up;
  for (int l = 0; l < s.layers; l++) {
    const std::string p = "blk." + std::to_string(l) + ".";
    vector(p + "attn_norm.weight", dim, 1.0f, 0.2f);
    if (fused_qkv) {
      matrix(p + "attn_qkv.weight", q_dim + 2 * kv_dim, dim);
    } else {
      matrix(p + "attn_q.weight", q_dim, dim);
      matrix(p + "attn_k.weight", kv_dim, dim);
      matrix(p + "attn_v.weight", kv_dim, dim);
    }
    if (arch != nullptr && arch->attention_bias) {
      vector(p + "attn_q.bias", q_dim, 0.0f, 0.3f);
      vector(p + "attn_k.bias", kv_dim, 0.0f, 0.3f);
      vector(p + "attn_v.bias", kv_dim, 0.0f, 0.3f);
    }
    if (arch != nullptr && arch->qk_norm) {
      vector(p + "attn_q_norm.weight", hd, 1.0f, 0.2f);
      vector(p + "attn_k_norm.weight", hd, 1.0f, 0.2f);
    }
    matrix(p + "attn_output.weight", dim, q_dim);
    if (arch != nullptr && arch->post_norms) vector(p + "post_attention_norm.weight", dim, 1.0f, 0.2f);
    vector(p + "ffn_norm.weight", dim, 1.0f, 0.2f);
    if (fused_gate_up) {
      matrix(p + "ffn_up.weight", 2 * ff, dim);
    } else {
      matrix(p + "ffn_gate.weight", ff, dim);
      matrix(p + "ffn_up.weight", ff, dim);
    }
    matrix(p + "ffn_down.weight", dim, ff);
    if (arch != nullptr && arch->post_norms) vector(p + "post_ffw_norm.weight", dim, 1.0f, 0.2f);
  }
  vector("output_norm.weight", dim, 1.0f, 0.2f);
  if (!s.tied_embeddings) matrix("output.weight", s.vocab, dim);
  w.write(path);
}

}  // namespace xch
