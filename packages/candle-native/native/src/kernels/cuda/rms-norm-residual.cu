// RMSNorm fused with the residual add: one block per row, x read once and written once.
#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kThreads = 256;

__device__ float block_sum(float value) {
  __shared__ float warp_sums[kThreads / 32];
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_xor_sync(0xffffffffu, value, offset);
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  if (lane == 0) warp_sums[warp] = value;
  __syncthreads();
  value = lane < kThreads / 32 ? warp_sums[lane] : 0.0f;
  for (int offset = 16; offset > 0; offset /= 2) value += __shfl_xor_sync(0xffffffffu, value, offset);
  return value;  // every thread holds the total
}

__global__ void __launch_bounds__(kThreads) rms_norm_residual_rows(float* x, const float* residual, const float* weight,
                                                                   float* y, int64_t dim, float eps) {
  float* row = x + blockIdx.x * dim;
  float* out = y + blockIdx.x * dim;
  float sum = 0.0f;
  for (int64_t i = threadIdx.x; i < dim; i += kThreads) {
    float value = row[i];
    if (residual != nullptr) {
      value += residual[blockIdx.x * dim + i];
      row[i] = value;
    }
    sum = fmaf(value, value, sum);
  }
  sum = block_sum(sum);
  const float scale = 1.0f / sqrtf(sum / static_cast<float>(dim) + eps);
  // each thread reads back only the elements it wrote
  for (int64_t i = threadIdx.x; i < dim; i += kThreads) out[i] = __fmul_rn(row[i], scale) * weight[i];
}

}  // namespace

void rms_norm_residual(float* x, const float* residual, const float* weight, float* y, int64_t dim, int rows, float eps,
                       Stream stream) {
  if (rows <= 0 || dim <= 0) return;
  rms_norm_residual_rows<<<rows, kThreads, 0, stream>>>(x, residual, weight, y, dim, eps);
  check_launch("rms_norm_residual");
}

}  // namespace xc::cuda
