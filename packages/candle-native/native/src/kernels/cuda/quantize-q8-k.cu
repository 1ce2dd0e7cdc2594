// Activations to 256-element 8-bit blocks for the K-quant GEMV (Q4_K, Q6_K): one warp per block, 8
// elements per lane, the CPU quantiser's arithmetic, plus each 16 quants' sum for the Q4_K minimums.
#include <cmath>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kWarps = 8;
constexpr int kBlockBytes = 292;  // ActQ8K: float d, int8 qs[256], int16 bsums[16]
constexpr int kSums = 260;

__global__ void __launch_bounds__(kWarps * 32) quantize_blocks_k(const float* x, uint8_t* out, int64_t blocks) {
  const int64_t b = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  if (b >= blocks) return;
  const int lane = threadIdx.x % 32;
  const float* v = x + b * 256 + lane * 8;
  float values[8];
  float amax = 0.0f;
#pragma unroll
  for (int k = 0; k < 8; k++) {
    values[k] = v[k];
    amax = fmaxf(amax, fabsf(values[k]));
  }
  for (int offset = 16; offset > 0; offset /= 2) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, offset));
  const float d = amax / 127.0f;
  const float inverse = d != 0.0f ? 127.0f / amax : 0.0f;
  uint8_t* block = out + b * kBlockBytes;
  int sum = 0;
#pragma unroll
  for (int k = 0; k < 8; k++) {
    const int q = __float2int_rn(values[k] * inverse);
    block[4 + lane * 8 + k] = static_cast<uint8_t>(static_cast<int8_t>(q));
    sum += q;
  }
  sum += __shfl_down_sync(0xffffffffu, sum, 1);  // lanes 2g and 2g + 1 hold the 16 quants of sum g
  if (lane % 2 == 0) *reinterpret_cast<int16_t*>(block + kSums + lane) = static_cast<int16_t>(sum);
  if (lane == 0) *reinterpret_cast<float*>(block) = d;
}

}  // namespace

void quantize_q8_k(const float* x, void* out, int64_t n, int rows, Stream stream) {
  if (n % 256 != 0) fail(XC_ERR_INVALID_ARGUMENT, "quantize_q8_k: n must be a multiple of 256");
  const int64_t blocks = n / 256 * rows;
  if (blocks <= 0) return;
  quantize_blocks_k<<<static_cast<unsigned>((blocks + kWarps - 1) / kWarps), kWarps * 32, 0, stream>>>(
      x, static_cast<uint8_t*>(out), blocks);
  check_launch("quantize_q8_k");
}

}  // namespace xc::cuda
