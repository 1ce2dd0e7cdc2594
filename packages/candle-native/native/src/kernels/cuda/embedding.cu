// Token embedding lookup: one thread per output element, grid.y = token.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cmath>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int kQ8_0Block = 32;
constexpr int kQ8_0Bytes = 34;  // f16 scale + 32 int8

struct F32Row {
  static __device__ float at(const uint8_t* table, int64_t row, int64_t dim, int64_t i) {
    return reinterpret_cast<const float*>(table)[row * dim + i];
  }
};
struct F16Row {
  static __device__ float at(const uint8_t* table, int64_t row, int64_t dim, int64_t i) {
    return __half2float(reinterpret_cast<const __half*>(table)[row * dim + i]);
  }
};
struct Bf16Row {
  static __device__ float at(const uint8_t* table, int64_t row, int64_t dim, int64_t i) {
    return __bfloat162float(reinterpret_cast<const __nv_bfloat16*>(table)[row * dim + i]);
  }
};
// ggml block_q8_0: unaligned f16 scale, read bytewise
struct Q8_0Row {
  static __device__ float at(const uint8_t* table, int64_t row, int64_t dim, int64_t i) {
    const uint8_t* block = table + (row * (dim / kQ8_0Block) + i / kQ8_0Block) * kQ8_0Bytes;
    const auto bits = static_cast<unsigned short>(block[0] | (block[1] << 8));
    const float d = __half2float(__ushort_as_half(bits));
    return __fmul_rn(d, static_cast<float>(static_cast<int8_t>(block[2 + i % kQ8_0Block])));
  }
};

template <typename Row>
__global__ void embedding(const uint8_t* table, int64_t vocab, int64_t dim, const int32_t* tokens, int count,
                          float scale, float* out) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i >= dim) return;
  for (int64_t t = blockIdx.y; t < count; t += gridDim.y) {
    const int32_t token = tokens[t];
    // two roundings, as the CPU: the dequantized value, then the scale
    out[t * dim + i] = token < 0 || token >= vocab ? NAN : __fmul_rn(Row::at(table, token, dim, i), scale);
  }
}

template <typename Row>
void launch(const void* table, int64_t vocab, int64_t dim, const int32_t* tokens, int count, float scale, float* out,
            Stream stream) {
  if (count <= 0 || dim <= 0) return;
  constexpr int kMaxGridY = 65535;
  const dim3 grid(static_cast<unsigned>((dim + kThreads - 1) / kThreads),
                  static_cast<unsigned>(count < kMaxGridY ? count : kMaxGridY));
  embedding<Row><<<grid, kThreads, 0, stream>>>(static_cast<const uint8_t*>(table), vocab, dim, tokens, count, scale,
                                                out);
  check_launch("embedding");
}

}  // namespace

EmbeddingFn embedding_kernel(GgmlType type) {
  switch (type) {
    case GgmlType::F32: return launch<F32Row>;
    case GgmlType::F16: return launch<F16Row>;
    case GgmlType::BF16: return launch<Bf16Row>;
    case GgmlType::Q8_0: return launch<Q8_0Row>;
    default: return nullptr;
  }
}

}  // namespace xc::cuda
