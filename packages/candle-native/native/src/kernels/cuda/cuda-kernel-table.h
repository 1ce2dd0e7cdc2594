#pragma once

#include "gguf/ggml-type.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

// One weight type's CUDA kernels; nullptr where the type has none yet.
struct CudaWeightTraits {
  EmbeddingFn embedding = nullptr;
  GemvFn gemv = nullptr;
  QuantGemvFn quant_gemv = nullptr;
  bool q8_k_activations = false;  // quant_gemv takes quantize_q8_k's blocks (else quantize_q8_0's)
};

// Entries indexed by GgmlType id (0 … BF16), as the CPU KernelTable.
constexpr int kCudaWeightSlots = static_cast<int>(GgmlType::BF16) + 1;

// The GPU's counterpart of the CPU KernelTable (kernels/cpu/kernel-table.h): per-type traits filled
// by field name, plus the type-independent kernels. The CUDA forward pass will run from it.
struct CudaKernelTable {
  const char* name = "cuda";
  CudaWeightTraits weights[kCudaWeightSlots];
  void (*rms_norm_residual)(float* x, const float* residual, const float* weight, float* y, int64_t dim, int rows,
                            float eps, Stream stream) = nullptr;
  void (*glu)(float* gate, const float* up, int64_t n, int rows, int64_t stride, GluKind kind, Stream stream) = nullptr;
  void (*rope_kv_write)(const RopeKvArgs& args, Stream stream) = nullptr;
  void (*decode_attention)(const DecodeAttentionArgs& args, Stream stream) = nullptr;
  void (*quantize_q8_0)(const float* x, void* out, int64_t n, int rows, Stream stream) = nullptr;
  void (*quantize_q8_k)(const float* x, void* out, int64_t n, int rows, Stream stream) = nullptr;
  void (*argmax_rows)(const float* logits, int rows, int64_t vocab, int64_t stride, void* workspace, int32_t* tokens,
                      float* best, int32_t* positions, Stream stream) = nullptr;

  // The type's entry; fails with XC_ERR_UNSUPPORTED for an id outside the table.
  const CudaWeightTraits& traits(GgmlType type) const;
};

const CudaKernelTable& cuda_kernels();

}  // namespace xc::cuda
