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
// dtype: "F32", "F16" or "BF16"; the output rows are strided, and the gaps must stay untouched.
TwinResult gemv_twin(std::mt19937& rng, const std::string& dtype, int rows, int n, int tokens, bool bias,
                     bool accumulate);

}  // namespace xch
