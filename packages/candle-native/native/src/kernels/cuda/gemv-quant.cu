// Quantized GEMV in integer arithmetic: ggml Q8_0 / Q4_0 weight rows × quantize_q8_0 activations, Q4_K /
// Q6_K rows × quantize_q8_k activations. One warp per weight row, consecutive lanes on consecutive 4-byte
// groups of consecutive blocks (a warp's load covers 4 Q8_0, 8 Q4_0, 1 Q4_K or 2 Q6_K blocks
// contiguously), __dp4a per 4 quants, scales applied in fp32 per lane. Q8_0, Q4_0 and Q6_K blocks are
// only 2-byte aligned, so their quants are read as 16-bit pairs.
#include <cuda_fp16.h>

#include <cstdint>
#include <string>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"
#include "kernels/cuda/gemv-row-store.cuh"

namespace xc::cuda {

namespace {

constexpr int kWarps = 8;  // rows per block
constexpr int kMaxTokens = 4;

__device__ int load_int_b2(const uint8_t* p) {
  const auto* halves = reinterpret_cast<const uint16_t*>(p);
  return static_cast<int>(halves[0] | (static_cast<uint32_t>(halves[1]) << 16));
}

__device__ float half_at(const uint8_t* p) {
  return __half2float(__ushort_as_half(*reinterpret_cast<const uint16_t*>(p)));
}

// Each weight type: kElements per block, kLanes lanes per block, kActBytes per activation block, and
// dot = lane `sub`'s share of (weight block · activation block), scales applied.
struct Q8_0Weights {
  static constexpr int kElements = 32;
  static constexpr int kBlockBytes = 34;
  static constexpr int kLanes = 8;  // 4 quants each
  static constexpr int kActBytes = 36;  // ActQ8_0
  static __device__ float dot(const uint8_t* block, int sub, const uint8_t* x) {
    const int* y = reinterpret_cast<const int*>(x + 4);
    const int sum = __dp4a(load_int_b2(block + 2 + 4 * sub), y[sub], 0);
    return half_at(block) * *reinterpret_cast<const float*>(x) * static_cast<float>(sum);
  }
};
struct Q4_0Weights {
  static constexpr int kElements = 32;
  static constexpr int kBlockBytes = 18;
  static constexpr int kLanes = 4;  // 8 quants each: 4 low nibbles, 4 high
  static constexpr int kActBytes = 36;
  static __device__ float dot(const uint8_t* block, int sub, const uint8_t* x) {
    const int* y = reinterpret_cast<const int*>(x + 4);
    const int packed = load_int_b2(block + 2 + 4 * sub);
    const int low = __vsub4(packed & 0x0F0F0F0F, 0x08080808);          // elements 4sub…4sub+3, as q − 8
    const int high = __vsub4((packed >> 4) & 0x0F0F0F0F, 0x08080808);  // elements 16 + 4sub…
    const int sum = __dp4a(high, y[4 + sub], __dp4a(low, y[sub], 0));
    return half_at(block) * *reinterpret_cast<const float*>(x) * static_cast<float>(sum);
  }
};

// ggml's six-bit (scale, min) pair j of a Q4_K block (the CPU's q4k_scale_min)
__device__ void q4k_scale_min(int j, const uint8_t* q, int& scale, int& min) {
  if (j < 4) {
    scale = q[j] & 63;
    min = q[j + 4] & 63;
  } else {
    scale = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
    min = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
  }
}

// ActQ8K: float d, int8 qs[256], int16 bsums[16] (sums of each 16 quants)
constexpr int kActQ8KBytes = 292;
constexpr int kActQ8KSums = 260;

struct Q4KWeights {
  static constexpr int kElements = 256;
  static constexpr int kBlockBytes = 144;  // f16 d, f16 dmin, scales[12], qs[128]: 4-byte aligned
  static constexpr int kLanes = 32;  // lane: 4-byte group i of 32-byte chunk j (64 elements)
  static constexpr int kActBytes = kActQ8KBytes;
  static __device__ float dot(const uint8_t* block, int sub, const uint8_t* x) {
    const int j = sub / 8;
    const int i = sub % 8;
    int scale0, min0, scale1, min1;
    q4k_scale_min(2 * j, block + 4, scale0, min0);
    q4k_scale_min(2 * j + 1, block + 4, scale1, min1);
    const int packed = *reinterpret_cast<const int*>(block + 16 + 32 * j + 4 * i);
    const int* y = reinterpret_cast<const int*>(x + 4) + 16 * j + i;
    const int low = __dp4a(packed & 0x0F0F0F0F, y[0], 0);         // elements 64j + 4i…
    const int high = __dp4a((packed >> 4) & 0x0F0F0F0F, y[8], 0);  // elements 64j + 32 + 4i…
    float part = half_at(block) * static_cast<float>(scale0 * low + scale1 * high);
    if (i == 0) {  // the chunk's minimums, once
      const auto* sums = reinterpret_cast<const int16_t*>(x + kActQ8KSums) + 4 * j;
      const int mins = min0 * (sums[0] + sums[1]) + min1 * (sums[2] + sums[3]);
      part -= half_at(block + 2) * static_cast<float>(mins);
    }
    return *reinterpret_cast<const float*>(x) * part;
  }
};
struct Q6KWeights {
  static constexpr int kElements = 256;
  static constexpr int kBlockBytes = 210;  // ql[128], qh[64], int8 scales[16], f16 d: 2-byte aligned
  static constexpr int kLanes = 16;  // lane: half h, 4-element group i of its 32 (×4 quarters)
  static constexpr int kActBytes = kActQ8KBytes;
  static __device__ float dot(const uint8_t* block, int sub, const uint8_t* x) {
    const int half = sub / 8;
    const int i = sub % 8;
    const uint8_t* ql = block + 64 * half + 4 * i;
    const int low = load_int_b2(ql);
    const int high = load_int_b2(ql + 32);
    const int top = load_int_b2(block + 128 + 32 * half + 4 * i);
    // six-bit values q − 32 of the four quarters (elements l, l + 32, l + 64, l + 96 of the half)
    const int q0 = __vsub4((low & 0x0F0F0F0F) | ((top << 4) & 0x30303030), 0x20202020);
    const int q1 = __vsub4((high & 0x0F0F0F0F) | ((top << 2) & 0x30303030), 0x20202020);
    const int q2 = __vsub4(((low >> 4) & 0x0F0F0F0F) | (top & 0x30303030), 0x20202020);
    const int q3 = __vsub4(((high >> 4) & 0x0F0F0F0F) | ((top >> 2) & 0x30303030), 0x20202020);
    const int* y = reinterpret_cast<const int*>(x + 4) + 32 * half + i;
    const auto* scales = reinterpret_cast<const int8_t*>(block + 192) + 8 * half + i / 4;
    const int sum = scales[0] * __dp4a(q0, y[0], 0) + scales[2] * __dp4a(q1, y[8], 0) + scales[4] * __dp4a(q2, y[16], 0) +
                    scales[6] * __dp4a(q3, y[24], 0);
    return half_at(block + 208) * *reinterpret_cast<const float*>(x) * static_cast<float>(sum);
  }
};

template <typename W>
__global__ void __launch_bounds__(kWarps * 32, 4)
    gemv_quant(const uint8_t* w, int64_t rows, int64_t n, const uint8_t* xq, int tokens, const float* bias, float* out,
               int64_t out_stride, bool accumulate) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  if (r >= rows) return;  // the whole warp leaves together
  const int lane = threadIdx.x % 32;
  const int sub = lane % W::kLanes;
  const int64_t blocks = n / W::kElements;
  const uint8_t* row = w + r * blocks * W::kBlockBytes;
  float acc[kMaxTokens] = {};
  for (int64_t b = lane / W::kLanes; b < blocks; b += 32 / W::kLanes) {
    const uint8_t* block = row + b * W::kBlockBytes;
#pragma unroll
    for (int t = 0; t < kMaxTokens; t++) {
      if (t >= tokens) break;
      acc[t] += W::dot(block, sub, xq + (t * blocks + b) * W::kActBytes);
    }
  }
  store_warp_row(acc, tokens, lane, r, bias, out, out_stride, accumulate);
}

template <typename W>
void launch(const void* w, int64_t rows, int64_t n, const void* xq, int tokens, const float* bias, float* out,
            int64_t out_stride, bool accumulate, Stream stream) {
  if (n % W::kElements != 0) {
    fail(XC_ERR_INVALID_ARGUMENT, "gemv_quant: n " + std::to_string(n) + " is not a multiple of " +
                                      std::to_string(W::kElements));
  }
  if (rows <= 0 || tokens <= 0) return;
  const auto blocks = static_cast<unsigned>((rows + kWarps - 1) / kWarps);
  const int64_t x_row = n / W::kElements * W::kActBytes;
  for (int first = 0; first < tokens; first += kMaxTokens) {
    const int count = tokens - first < kMaxTokens ? tokens - first : kMaxTokens;
    gemv_quant<W><<<blocks, kWarps * 32, 0, stream>>>(static_cast<const uint8_t*>(w), rows, n,
                                                      static_cast<const uint8_t*>(xq) + first * x_row, count, bias,
                                                      out + first * out_stride, out_stride, accumulate);
    check_launch("gemv_quant");
  }
}

}  // namespace

QuantGemvFn gemv_quant_kernel(GgmlType type) {
  switch (type) {
    case GgmlType::Q8_0: return launch<Q8_0Weights>;
    case GgmlType::Q4_0: return launch<Q4_0Weights>;
    case GgmlType::Q4_K: return launch<Q4KWeights>;
    case GgmlType::Q6_K: return launch<Q6KWeights>;
    default: return nullptr;
  }
}

}  // namespace xc::cuda
