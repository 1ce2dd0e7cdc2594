#pragma once

#include <string>
#include <string_view>

#include "kernels/cpu/cpu-ops.h"

namespace xc {

enum class FfnActivation { Silu, GeluTanh };

// What distinguishes one llama-family architecture from another, as data: every row runs through
// the one forward pass in llama-forward.cc. Mirrors packages/runtime/src/reference/arch-table.ts.
struct ArchSpec {
  const char* name;
  cpu::RopeStyle rope;
  bool attention_bias;  // attn_{q,k,v}.bias required (other archs load them when present)
  bool fused_qkv;       // one attn_qkv matrix (q, k, v rows stacked)
  bool fused_gate_up;   // ffn_up holds gate rows then up rows; no ffn_gate
  bool qk_norm;         // per-head RMS norms on q and k before RoPE
  bool post_norms;      // post_attention_norm / post_ffw_norm before each residual add
  bool scale_embedding; // embeddings × sqrt(n_embd)
  FfnActivation activation;
  int sliding_window_pattern;  // layer il is local when il % pattern < pattern - 1 (0: none)
  int default_sliding_window;
  float sliding_rope_base;  // RoPE base of local layers (0: same as global)
  float default_attention_softcap;
  float default_final_softcap;
  int query_scale_by_embedding_at_layer_count;  // Gemma 27B: q scaled by 1/sqrt(n_embd / n_head)
};

// nullptr when `architecture` is not in the table.
const ArchSpec* find_arch(std::string_view architecture);
std::string supported_architectures();

}  // namespace xc
