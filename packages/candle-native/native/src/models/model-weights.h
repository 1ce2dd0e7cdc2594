#pragma once

#include <vector>

#include "gguf/gguf-file.h"
#include "kernels/cpu/matmul.h"
#include "models/model-config.h"
#include "models/weight-arena.h"

namespace xc {

// Matrices are views into the mmap; norms and biases (small) are repacked to f32. Empty vectors
// mean "absent". Shapes follow llama.cpp's tensor names (llama-arch.cpp).
struct LayerWeights {
  std::vector<float> attn_norm;      // (n_embd)
  WeightMatrix wq, wk, wv;           // (n_head·hd, n_embd), (n_kv·hd, n_embd) ×2; slices of attn_qkv when fused
  std::vector<float> bq, bk, bv;     // optional biases
  std::vector<float> q_norm, k_norm; // (hd) when the arch has qk norms
  WeightMatrix wo;                   // (n_embd, n_head·hd)
  std::vector<float> bo;
  std::vector<float> post_attn_norm; // (n_embd) when the arch has post norms
  std::vector<float> ffn_norm;       // (n_embd)
  WeightMatrix w_gate, w_up;         // (n_ff, n_embd); slices of ffn_up when fused
  WeightMatrix w_down;               // (n_embd, n_ff)
  std::vector<float> post_ffn_norm;
};

struct ModelWeights {
  WeightMatrix token_embedding;  // (vocab, n_embd)
  std::vector<LayerWeights> layers;
  std::vector<float> output_norm;
  WeightMatrix output;  // (vocab, n_embd); the embedding when tied
  std::vector<float> output_bias;
  std::vector<float> rope_freq_factors;  // (rope_dims / 2), optional
  // Matrices re-laid in the interleaved layout (interleave.h), and F16/BF16 ones a table streams with a
  // one-token tile (copied as they are), live here instead of in the mmap; relaid_bytes counts the former.
  WeightArena relaid;
  int64_t relaid_bytes = 0;
  GgmlType dominant_type = GgmlType::F32;
  int64_t matrix_bytes = 0;
};

// `interleave`: re-lay the matrices whose type `kernels` marks for re-laying (WeightTraits::relay).
ModelWeights load_model_weights(const GgufFile& file, const ModelConfig& config, const KernelTable& kernels,
                                bool interleave);

}  // namespace xc
