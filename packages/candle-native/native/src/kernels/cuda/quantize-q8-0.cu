// Activations to 8-bit blocks for the integer GEMV: one warp per 32-element block, the CPU quantiser's
// arithmetic (d = max|x| / 127, round half to even of x · 127 / max|x|), so the bytes match its own.
#include <cmath>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kWarps = 8;
constexpr int kBlockBytes = 36;  // ActQ8_0: float d, int8 qs[32]

__global__ void __launch_bounds__(kWarps * 32) quantize_blocks(const float* x, uint8_t* out, int64_t blocks) {
  const int64_t b = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  if (b >= blocks) return;
  const int lane = threadIdx.x % 32;
  const float v = x[b * 32 + lane];
  float amax = fabsf(v);
  for (int offset = 16; offset > 0; offset /= 2) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, offset));
  const float d = amax / 127.0f;
  const float inverse = d != 0.0f ? 127.0f / amax : 0.0f;
  uint8_t* block = out + b * kBlockBytes;
  block[4 + lane] = static_cast<uint8_t>(static_cast<int8_t>(__float2int_rn(v * inverse)));
  if (lane == 0) *reinterpret_cast<float*>(block) = d;
}

}  // namespace

void quantize_q8_0(const float* x, void* out, int64_t n, int rows, Stream stream) {
  if (n % 32 != 0) fail(XC_ERR_INVALID_ARGUMENT, "quantize_q8_0: n must be a multiple of 32");
  const int64_t blocks = n / 32 * rows;
  if (blocks <= 0) return;
  quantize_blocks<<<static_cast<unsigned>((blocks + kWarps - 1) / kWarps), kWarps * 32, 0, stream>>>(
      x, static_cast<uint8_t*>(out), blocks);
  check_launch("quantize_q8_0");
}

}  // namespace xc::cuda
