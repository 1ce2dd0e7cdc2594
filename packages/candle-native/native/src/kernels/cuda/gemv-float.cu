// Float GEMV (F32/F16/BF16 weights × f32 activations): one warp per weight row, 16-byte weight loads,
// fp32 accumulation, up to kMaxTokens activation rows per pass so each weight row is read once for them.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"
#include "kernels/cuda/gemv-row-store.cuh"

namespace xc::cuda {

namespace {

constexpr int kWarps = 8;  // rows per block
constexpr int kMaxTokens = 4;

struct F32Weights {
  static constexpr int kBytes = 4;
  static __device__ float load(const uint8_t* row, int64_t k) { return reinterpret_cast<const float*>(row)[k]; }
  static __device__ void widen(uint4 v, float* out) {
    out[0] = __uint_as_float(v.x), out[1] = __uint_as_float(v.y), out[2] = __uint_as_float(v.z),
    out[3] = __uint_as_float(v.w);
  }
};
struct F16Weights {
  static constexpr int kBytes = 2;
  static __device__ float load(const uint8_t* row, int64_t k) {
    return __half2float(reinterpret_cast<const __half*>(row)[k]);
  }
  static __device__ void widen(uint4 v, float* out) {
    const unsigned words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
      out[2 * i] = __half2float(__ushort_as_half(static_cast<unsigned short>(words[i] & 0xffffu)));
      out[2 * i + 1] = __half2float(__ushort_as_half(static_cast<unsigned short>(words[i] >> 16)));
    }
  }
};
struct Bf16Weights {
  static constexpr int kBytes = 2;
  static __device__ float load(const uint8_t* row, int64_t k) {
    return __bfloat162float(reinterpret_cast<const __nv_bfloat16*>(row)[k]);
  }
  static __device__ void widen(uint4 v, float* out) {
    const unsigned words[4] = {v.x, v.y, v.z, v.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
      out[2 * i] = __uint_as_float(words[i] << 16);
      out[2 * i + 1] = __uint_as_float(words[i] & 0xffff0000u);
    }
  }
};

// vectorized: every row starts 16-byte aligned and holds whole 16-byte chunks (checked by the host)
template <typename W>
__global__ void __launch_bounds__(kWarps * 32, 4)
    gemv(const uint8_t* w, int64_t rows, int64_t n, const float* x, int tokens, const float* bias, float* out,
         int64_t out_stride, bool accumulate, bool vectorized) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  if (r >= rows) return;  // the whole warp leaves together
  const int lane = threadIdx.x % 32;
  const uint8_t* row = w + r * n * W::kBytes;
  float acc[kMaxTokens] = {};
  int64_t tail = 0;
  if (vectorized) {
    constexpr int kPer = 16 / W::kBytes;
    const int64_t chunks = n / kPer;
    const auto* chunk = reinterpret_cast<const uint4*>(row);
    for (int64_t c = lane; c < chunks; c += 32) {
      float weights[kPer];
      W::widen(__ldg(chunk + c), weights);
#pragma unroll
      for (int t = 0; t < kMaxTokens; t++) {
        if (t >= tokens) break;
        const auto* xs = reinterpret_cast<const float4*>(x + t * n + c * kPer);
#pragma unroll
        for (int j = 0; j < kPer / 4; j++) {
          const float4 v = __ldg(xs + j);
          acc[t] = fmaf(weights[4 * j], v.x, acc[t]);
          acc[t] = fmaf(weights[4 * j + 1], v.y, acc[t]);
          acc[t] = fmaf(weights[4 * j + 2], v.z, acc[t]);
          acc[t] = fmaf(weights[4 * j + 3], v.w, acc[t]);
        }
      }
    }
    tail = chunks * kPer;
  }
  for (int64_t k = tail + lane; k < n; k += 32) {
    const float weight = W::load(row, k);
#pragma unroll
    for (int t = 0; t < kMaxTokens; t++) {
      if (t < tokens) acc[t] = fmaf(weight, x[t * n + k], acc[t]);
    }
  }
  store_warp_row(acc, tokens, lane, r, bias, out, out_stride, accumulate);
}

template <typename W>
void launch(const void* w, int64_t rows, int64_t n, const float* x, int tokens, const float* bias, float* out,
            int64_t out_stride, bool accumulate, Stream stream) {
  if (rows <= 0 || tokens <= 0) return;
  const bool vectorized = n % (16 / W::kBytes) == 0 && reinterpret_cast<uintptr_t>(w) % 16 == 0 &&
                          reinterpret_cast<uintptr_t>(x) % 16 == 0;
  const auto blocks = static_cast<unsigned>((rows + kWarps - 1) / kWarps);
  for (int first = 0; first < tokens; first += kMaxTokens) {
    const int count = tokens - first < kMaxTokens ? tokens - first : kMaxTokens;
    gemv<W><<<blocks, kWarps * 32, 0, stream>>>(static_cast<const uint8_t*>(w), rows, n, x + first * n, count, bias,
                                                out + first * out_stride, out_stride, accumulate, vectorized);
    check_launch("gemv_float");
  }
}

}  // namespace

GemvFn gemv_float_kernel(GgmlType type) {
  switch (type) {
    case GgmlType::F32: return launch<F32Weights>;
    case GgmlType::F16: return launch<F16Weights>;
    case GgmlType::BF16: return launch<Bf16Weights>;
    default: return nullptr;
  }
}

}  // namespace xc::cuda
