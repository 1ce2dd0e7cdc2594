#pragma once

#include <cstddef>
#include <cstdint>

#include "gguf/ggml-type.h"

namespace xc {

namespace cpu {
struct KvHeadView;
}

// What a weight type's rows are multiplied against.
enum class ActivationFormat { F32, Q8_0, Q8K };
ActivationFormat activation_format(GgmlType weight_type);
// Bytes of one activation row of n elements in `format`.
size_t activation_row_bytes(ActivationFormat format, int64_t n);

// Weight types with prefill tiles (see KernelTable::tile_4x2).
constexpr int kTileTypes = 5;

// The hot kernels of one instruction set. Each entry of `dot` multiplies one weight row (n
// elements of its GGUF type) with one activation row in activation_format(type).
struct KernelTable {
  const char* name;
  float (*dot_f32)(int64_t n, const void* w, const void* x);
  float (*dot_f16)(int64_t n, const void* w, const void* x);
  float (*dot_bf16)(int64_t n, const void* w, const void* x);
  float (*dot_q8_0)(int64_t n, const void* w, const void* x);
  float (*dot_q4_0)(int64_t n, const void* w, const void* x);
  float (*dot_q5_0)(int64_t n, const void* w, const void* x);
  float (*dot_q4_k)(int64_t n, const void* w, const void* x);
  float (*dot_q6_k)(int64_t n, const void* w, const void* x);
  void (*quantize_q8_0)(const float* x, void* out, int64_t n);
  void (*quantize_q8_k)(const float* x, void* out, int64_t n);
  // KV-cache helpers: f16 rows against f32 queries / accumulators.
  float (*dot_f16_f32)(int64_t n, const uint16_t* a, const float* b);
  void (*axpy_f16)(int64_t n, float alpha, const uint16_t* x, float* y);
  float (*dot_f32_f32)(int64_t n, const float* a, const float* b);
  void (*axpy_f32)(int64_t n, float alpha, const float* x, float* y);
  void (*f32_to_f16)(const float* x, uint16_t* y, int64_t n);
  void (*f16_to_f32)(const uint16_t* x, float* y, int64_t n);
  // Optional prefill tiles (Q8_0, Q4_0, Q5_0, Q4_K, F16), looked up with tile_for (nullptr: use dot):
  // 4 rows × 2 tokens, out[t·out_stride + r].
  using TileFn = void (*)(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                          int64_t out_stride);
  TileFn tile_4x2[kTileTypes];
  // Optional 4 rows × 4 tokens tiles, same order and layout (nullptr: use tile_4x2, then dot).
  TileFn tile_4x4[kTileTypes];
  // Optional attention of up to 8 query heads against one kv head (cpu::attention_heads'
  // contract); false: shape not handled, use the portable loop.
  bool (*attend_group)(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                       float softcap_value, float* out);

  using DotFn = float (*)(int64_t, const void*, const void*);
  DotFn dot_for(GgmlType type) const;
  TileFn tile_for(GgmlType type) const;
  TileFn tile4_for(GgmlType type) const;
};

const KernelTable& scalar_kernels();
// nullptr when the CPU lacks AVX2/FMA/F16C (or they were not compiled in).
const KernelTable* avx2_kernels();
// The AVX2 table with the 4×4 tiles built for AVX-512VL+VNNI; nullptr without AVX-512F/BW/VL/VNNI.
const KernelTable* avx512_kernels();
// The fastest table this CPU runs; XC_KERNELS=scalar (or avx2) in the environment forces that one.
const KernelTable& best_kernels();

// Reference dequantization of n elements (for embeddings, small tensors and tests).
void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);

}  // namespace xc
