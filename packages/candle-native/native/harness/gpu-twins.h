#pragma once

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "gguf/ggml-type.h"

// One CUDA kernel run against its CPU twin on fresh random inputs (gpu-twins.cc); the GPU checks'
// case list (gpu-checks.cc) calls these only when a CUDA device is usable.
namespace xch {

// rows × n random weights (uniform in [-1, 1], or Q8_0 blocks) in `type`'s bytes; CUDA builds only.
std::vector<uint8_t> random_weights(std::mt19937& rng, xc::GgmlType type, int64_t rows, int64_t n);

struct TwinResult {
  double relative_l2 = 0;  // ‖gpu − cpu‖ / ‖cpu‖ over the outputs compared
  std::string problem;     // empty, or what went wrong beyond the numbers (unwritten, out of bounds, …)
};

// dtype: "F32", "F16", "BF16" or "Q8_0" (dim a multiple of 32 for Q8_0).
TwinResult embedding_twin(std::mt19937& rng, const std::string& dtype, int vocab, int dim, int count, float scale);
// Ids -1 and vocab must give NaN rows, the valid id beside them its row.
TwinResult embedding_out_of_range_twin(std::mt19937& rng, int vocab, int dim);
TwinResult rms_norm_residual_twin(std::mt19937& rng, int dim, int rows, bool residual);
// SiLU (gelu: GELU-tanh) gate · up on fused gate | up rows of 2n; the up halves must stay untouched.
TwinResult glu_twin(std::mt19937& rng, bool gelu, int n, int rows);
// dtype: "F32", "F16" or "BF16"; the output rows are strided, and the gaps must stay untouched.
TwinResult gemv_twin(std::mt19937& rng, const std::string& dtype, int rows, int n, int tokens, bool bias,
                     bool accumulate);

// RoPE + KV write (gpu-twins-rope-kv.cc): a fused q | k | v row per token, distinct random (slot,
// position) cells, the cache poisoned with f16 NaN; cells no token owns must keep the poison.
struct RopeKvCase {
  int heads, kv_heads, head_dim, rope_dims;
  bool neox, bias, qk_norm;
  int tokens, sequences, positions;
  bool invalid_last;  // the last token's position is out of range: NaN q, no cache write
};
TwinResult rope_kv_twin(std::mt19937& rng, const RopeKvCase& c);

// Decode attention (gpu-twins-attention.cc): random f16 caches, one query token per sequence at a random
// last position, against cpu::attention_heads over [first, position].
struct AttentionCase {
  int heads, kv_heads, head_dim;
  int tokens, positions, splits;
  float softcap;
  int window;
};
TwinResult decode_attention_twin(std::mt19937& rng, const AttentionCase& c);

// quantize_q8_0 (q8_k: quantize_q8_k) must give the CPU quantiser's bytes exactly (gpu-twins-quant.cc);
// relative_l2 is the share of differing blocks.
TwinResult quantize_twin(std::mt19937& rng, bool q8_k, int n, int rows);
// dtype "Q8_0", "Q4_0", "Q4_K" or "Q6_K": GPU integer GEMV on CPU-quantized activations against the
// scalar dot.
TwinResult gemv_quant_twin(std::mt19937& rng, const std::string& dtype, int rows, int n, int tokens, bool bias,
                           bool accumulate);

// argmax_rows against the runtime's argmax (first index wins, NaN never): relative_l2 is the share of
// rows whose token differs (gpu-twins-argmax.cc).
TwinResult argmax_twin(std::mt19937& rng, int rows, int vocab);

}  // namespace xch
