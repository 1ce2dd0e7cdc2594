#pragma once

#include <string>
#include <string_view>

#include "kernels/cpu/cpu-ops.h"

namespace xc {

enum class FfnActivation { Silu, GeluTanh };

// How queries are scaled before attention: 1/sqrt(head_dim), except in the variant with
// `embedding_per_head_at_layer_count` layers, which uses 1/sqrt(n_embd / n_head). That is how
// llama.cpp tells Gemma's 27B (46 layers in Gemma 2, 62 in Gemma 3) apart: its GGUFs carry no
// query_pre_attn_scalar.
struct QueryScale {
  int embedding_per_head_at_layer_count = 0;  // 0: always 1/sqrt(head_dim)
};

// What distinguishes one llama-family architecture from another, as data: every row runs through
// the one forward pass in llama-forward.cc. Mirrors packages/runtime/src/reference/arch-table.ts;
// candle-native's arch-table-parity test compares the two (xcandle-harness arch-table).
// Every field defaults to llama's behaviour; rows set the ones they change, by name.
struct ArchSpec {
  const char* name = "";
  cpu::RopeStyle rope = cpu::RopeStyle::Normal;
  bool attention_bias = false;   // attn_{q,k,v}.bias required (other archs load them when present)
  bool fused_qkv = false;        // one attn_qkv matrix (q, k, v rows stacked)
  bool fused_gate_up = false;    // ffn_up holds gate rows then up rows; no ffn_gate
  bool qk_norm = false;          // per-head RMS norms on q and k before RoPE
  bool post_norms = false;       // post_attention_norm / post_ffw_norm before each residual add
  bool scale_embedding = false;  // embeddings × sqrt(n_embd)
  FfnActivation activation = FfnActivation::Silu;
  int sliding_window_pattern = 0;  // layer il is local when il % pattern < pattern - 1 (0: none)
  int default_sliding_window = 0;  // when the metadata has no attention.sliding_window
  float sliding_rope_base = 0;     // RoPE base of local layers (0: same as global)
  float default_attention_softcap = 0;  // when the metadata omits attn_logit_softcapping (0: none)
  float default_final_softcap = 0;      // when the metadata omits final_logit_softcapping
  QueryScale query_scale;
};

// nullptr when `architecture` is not in the table.
const ArchSpec* find_arch(std::string_view architecture);
std::string supported_architectures();
// The whole table, in order.
const ArchSpec* architectures_begin();
const ArchSpec* architectures_end();

}  // namespace xc
