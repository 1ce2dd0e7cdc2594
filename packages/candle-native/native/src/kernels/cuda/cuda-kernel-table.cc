#include "kernels/cuda/cuda-kernel-table.h"

#include <string>

#include "common/error.h"

namespace xc::cuda {

const CudaWeightTraits& CudaKernelTable::traits(GgmlType type) const {
  const auto id = static_cast<uint32_t>(type);
  if (id >= static_cast<uint32_t>(kCudaWeightSlots)) {
    fail(XC_ERR_UNSUPPORTED, "no CUDA kernels for tensor type " + std::to_string(id));
  }
  return weights[id];
}

const CudaKernelTable& cuda_kernels() {
  static const CudaKernelTable table = [] {
    CudaKernelTable t;
    for (const GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q4_K,
                                  GgmlType::Q6_K}) {
      CudaWeightTraits& traits = t.weights[static_cast<int>(type)];
      traits.embedding = embedding_kernel(type);
      traits.gemv = gemv_float_kernel(type);
      traits.quant_gemv = gemv_quant_kernel(type);
      traits.q8_k_activations = type == GgmlType::Q4_K || type == GgmlType::Q6_K;
    }
    t.rms_norm_residual = rms_norm_residual;
    t.glu = glu;
    t.rope_kv_write = rope_kv_write;
    t.decode_attention = decode_attention;
    t.quantize_q8_0 = quantize_q8_0;
    t.quantize_q8_k = quantize_q8_k;
    t.argmax_rows = argmax_rows;
    return t;
  }();
  return table;
}

}  // namespace xc::cuda
