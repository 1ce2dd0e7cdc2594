// The supported architectures, one row each, built field by field from llama's defaults. Facts
// follow llama.cpp (src/llama-model.cpp, src/models/*.cpp).
#include "models/arch-table.h"

#include <iterator>

namespace xc {

namespace {

using cpu::RopeStyle;

constexpr ArchSpec kArchitectures[] = {
    [] {
      ArchSpec a;
      a.name = "llama";
      return a;
    }(),
    [] {
      ArchSpec a;
      a.name = "qwen2";
      a.rope = RopeStyle::Neox;
      a.attention_bias = true;
      return a;
    }(),
    [] {
      ArchSpec a;
      a.name = "qwen3";
      a.rope = RopeStyle::Neox;
      a.qk_norm = true;
      return a;
    }(),
    [] {
      ArchSpec a;
      a.name = "phi3";
      a.rope = RopeStyle::Neox;
      a.fused_qkv = true;
      a.fused_gate_up = true;
      return a;
    }(),
    [] {
      ArchSpec a;
      a.name = "gemma2";
      a.rope = RopeStyle::Neox;
      a.post_norms = true;
      a.scale_embedding = true;
      a.activation = FfnActivation::GeluTanh;
      a.sliding_window_pattern = 2;
      a.default_sliding_window = 4096;
      a.default_attention_softcap = 50;
      a.default_final_softcap = 30;
      a.query_scale.embedding_per_head_at_layer_count = 46;
      return a;
    }(),
    [] {
      ArchSpec a;
      a.name = "gemma3";
      a.rope = RopeStyle::Neox;
      a.qk_norm = true;
      a.post_norms = true;
      a.scale_embedding = true;
      a.activation = FfnActivation::GeluTanh;
      a.sliding_window_pattern = 6;
      a.sliding_rope_base = 10000;
      a.query_scale.embedding_per_head_at_layer_count = 62;
      return a;
    }(),
};

}  // namespace

const ArchSpec* find_arch(std::string_view architecture) {
  for (const ArchSpec& spec : kArchitectures) {
    if (architecture == spec.name) return &spec;
  }
  return nullptr;
}

std::string supported_architectures() {
  std::string names;
  for (const ArchSpec& spec : kArchitectures) {
    if (!names.empty()) names += ", ";
    names += spec.name;
  }
  return names;
}

const ArchSpec* architectures_begin() { return std::begin(kArchitectures); }
const ArchSpec* architectures_end() { return std::end(kArchitectures); }

}  // namespace xc
