#pragma once
// The end of a warp-per-row GEMV (gemv-float.cu, gemv-quant.cu): each token's per-lane partial dot
// products summed across the warp, then lane 0 adds the bias and writes or accumulates the row's outputs.
#include <cstdint>

namespace xc::cuda {

template <int kMaxTokens>
__device__ inline void store_warp_row(float (&acc)[kMaxTokens], int tokens, int lane, int64_t row, const float* bias,
                                      float* out, int64_t out_stride, bool accumulate) {
#pragma unroll
  for (int t = 0; t < kMaxTokens; t++) {
    for (int offset = 16; offset > 0; offset /= 2) acc[t] += __shfl_xor_sync(0xffffffffu, acc[t], offset);
  }
  if (lane != 0) return;
  for (int t = 0; t < tokens; t++) {
    float value = acc[t];
    if (bias != nullptr) value += bias[row];
    float& slot = out[t * out_stride + row];
    slot = accumulate ? slot + value : value;
  }
}

}  // namespace xc::cuda
