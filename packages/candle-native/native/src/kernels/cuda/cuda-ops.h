#pragma once

#include <cstdint>

#include "gguf/ggml-type.h"

struct CUstream_st;

// The forward pass's CUDA kernels, each launched by a host function defined in its own .cu file.
// Pointers are device memory; every launch is asynchronous on `stream` (nullptr: the default stream)
// and fails with XC_ERR_INTERNAL only when the launch itself is refused. Host code includes this
// header without the CUDA headers.
namespace xc::cuda {

using Stream = CUstream_st*;  // cudaStream_t

// out[t·dim + i] = row tokens[t] of `table` (vocab × dim elements of `type`) · scale (gemma: √dim).
// A token id outside [0, vocab) gives a row of NaN rather than a read out of bounds.
using EmbeddingFn = void (*)(const void* table, int64_t vocab, int64_t dim, const int32_t* tokens, int count,
                             float scale, float* out, Stream stream);
// F32, F16, BF16 and Q8_0 rows (embedding.cu); nullptr for other types.
EmbeddingFn embedding_kernel(GgmlType type);

// For each of `rows` rows of dim floats: x += residual (skipped when residual is nullptr), then
// y = x / sqrt(mean(x²) + eps) · weight. y must not overlap x (rms-norm-residual.cu).
void rms_norm_residual(float* x, const float* residual, const float* weight, float* y, int64_t dim, int rows, float eps,
                       Stream stream);

// out[t·out_stride + r] = Σk w[r·n + k]·x[t·n + k] (+ bias[r] when not nullptr) (+ the old out[…] when
// accumulate), for rows r < rows and tokens t < tokens; w row-major in `type`, fp32 accumulation.
using GemvFn = void (*)(const void* w, int64_t rows, int64_t n, const float* x, int tokens, const float* bias,
                        float* out, int64_t out_stride, bool accumulate, Stream stream);
// F32, F16 and BF16 weights (gemv-float.cu); nullptr for other types.
GemvFn gemv_float_kernel(GgmlType type);

}  // namespace xc::cuda
