// Quantized GEMV (ggml Q8_0 / Q4_0 weight rows × quantize_q8_0 activations) in integer arithmetic:
// one warp per weight row, consecutive lanes on consecutive 4-byte groups of consecutive blocks (a
// warp's load covers 4 Q8_0 or 8 Q4_0 blocks contiguously), __dp4a per 4 quants, the block's two scales
// applied in fp32 per lane. ggml blocks are only 2-byte aligned, so quants are read as 16-bit pairs.
#include <cuda_fp16.h>

#include <cstdint>
#include <string>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kWarps = 8;  // rows per block
constexpr int kMaxTokens = 4;
constexpr int kActBytes = 36;  // ActQ8_0

__device__ int load_int_b2(const uint8_t* p) {
  const auto* halves = reinterpret_cast<const uint16_t*>(p);
  return static_cast<int>(halves[0] | (static_cast<uint32_t>(halves[1]) << 16));
}

__device__ float block_scale(const uint8_t* block) {
  return __half2float(__ushort_as_half(*reinterpret_cast<const uint16_t*>(block)));
}

struct Q8_0Weights {
  static constexpr int kBlockBytes = 34;
  static constexpr int kLanes = 8;  // lanes per block, 4 quants each
  // Σ of the 4 products of lane `sub`'s quants with the activation block's
  static __device__ int dot(const uint8_t* block, int sub, const int* x) {
    return __dp4a(load_int_b2(block + 2 + 4 * sub), x[sub], 0);
  }
};
struct Q4_0Weights {
  static constexpr int kBlockBytes = 18;
  static constexpr int kLanes = 4;  // lanes per block, 8 quants each (4 low nibbles, 4 high)
  static __device__ int dot(const uint8_t* block, int sub, const int* x) {
    const int packed = load_int_b2(block + 2 + 4 * sub);
    const int low = __vsub4(packed & 0x0F0F0F0F, 0x08080808);  // elements 4sub…4sub+3, as q − 8
    const int high = __vsub4((packed >> 4) & 0x0F0F0F0F, 0x08080808);  // elements 16 + 4sub…
    return __dp4a(high, x[4 + sub], __dp4a(low, x[sub], 0));
  }
};

template <typename W>
__global__ void __launch_bounds__(kWarps * 32)
    gemv_quant(const uint8_t* w, int64_t rows, int64_t n, const uint8_t* xq, int tokens, const float* bias, float* out,
               int64_t out_stride, bool accumulate) {
  const int64_t r = static_cast<int64_t>(blockIdx.x) * kWarps + threadIdx.x / 32;
  if (r >= rows) return;  // the whole warp leaves together
  const int lane = threadIdx.x % 32;
  const int sub = lane % W::kLanes;
  const int64_t blocks = n / 32;
  const uint8_t* row = w + r * blocks * W::kBlockBytes;
  float acc[kMaxTokens] = {};
  for (int64_t b = lane / W::kLanes; b < blocks; b += 32 / W::kLanes) {
    const uint8_t* block = row + b * W::kBlockBytes;
    const float dw = block_scale(block);
#pragma unroll
    for (int t = 0; t < kMaxTokens; t++) {
      if (t >= tokens) break;
      const uint8_t* x = xq + (t * blocks + b) * kActBytes;
      const int sum = W::dot(block, sub, reinterpret_cast<const int*>(x + 4));
      acc[t] = fmaf(dw * *reinterpret_cast<const float*>(x), static_cast<float>(sum), acc[t]);
    }
  }
#pragma unroll
  for (int t = 0; t < kMaxTokens; t++) {
    for (int offset = 16; offset > 0; offset /= 2) acc[t] += __shfl_xor_sync(0xffffffffu, acc[t], offset);
  }
  if (lane != 0) return;
  for (int t = 0; t < tokens; t++) {
    float value = acc[t];
    if (bias != nullptr) value += bias[r];
    float& slot = out[t * out_stride + r];
    slot = accumulate ? slot + value : value;
  }
}

template <typename W>
void launch(const void* w, int64_t rows, int64_t n, const void* xq, int tokens, const float* bias, float* out,
            int64_t out_stride, bool accumulate, Stream stream) {
  if (n % 32 != 0) fail(XC_ERR_INVALID_ARGUMENT, "gemv_quant: n " + std::to_string(n) + " is not a multiple of 32");
  if (rows <= 0 || tokens <= 0) return;
  const auto blocks = static_cast<unsigned>((rows + kWarps - 1) / kWarps);
  const int64_t x_row = n / 32 * kActBytes;
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
    default: return nullptr;
  }
}

}  // namespace xc::cuda
