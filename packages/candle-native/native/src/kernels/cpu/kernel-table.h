#pragma once

#include <cstddef>
#include <cstdint>

#include "gguf/ggml-type.h"
#include "kernels/cpu/interleave.h"

namespace xc {

namespace cpu {
struct KvHeadView;
}

// What a weight type's rows are multiplied against.
enum class ActivationFormat { F32, Q8_0, Q8K, Q8_0x8, Q8Kx8, Q8Kx16 };
constexpr int kActivationFormats = 6;
ActivationFormat activation_format(GgmlType weight_type, WeightLayout layout = WeightLayout::Ggml);
// Bytes of one activation row of n elements in `format`.
size_t activation_row_bytes(ActivationFormat format, int64_t n);

struct KernelTable;
// Quantizes one row of n activations into `format` (not F32) with the table's quantizers.
void quantize_activations(const KernelTable& kernels, ActivationFormat format, const float* x, void* out, int64_t n);

// Weight types with prefill tiles (see KernelTable::tile_4x2).
constexpr int kTileTypes = 6;
// Weight types with an x8 layout, in KernelTable::dot_x8 order: Q8_0, Q4_0, Q5_0, Q4_K, Q6_K.
constexpr int kX8Types = 5;

// The hot kernels of one instruction set. Each entry of `dot` multiplies one weight row (n
// elements of its GGUF type) with one activation row in activation_format(type).
struct KernelTable {
  using DotFn = float (*)(int64_t, const void*, const void*);
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
  // Optional prefill tiles (Q8_0, Q4_0, Q5_0, Q4_K, F16, BF16), looked up with tile_for (nullptr: use dot):
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
  // Optional attention of up to 4 consecutive query tokens × 8 heads against one kv head
  // (cpu::attention_tokens' contract); false: shape not handled.
  bool (*attend_tokens)(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads,
                        const int* first, const int* last, float scale, float softcap_value, float* out,
                        int64_t out_stride) = nullptr;
  // gate = silu(gate) · up, the llama-family feed-forward activation.
  void (*silu_mul)(float* gate, const float* up, int64_t n) = nullptr;
  // Rows in the x8 layout: a dot in every table, 4 rows × 4 tokens tiles where the CPU has them
  // (x8 weights exist only when best_kernels() has these tiles).
  DotFn dot_x8[kX8Types] = {};
  TileFn tile4_x8[kX8Types] = {};

  DotFn dot_for(GgmlType type, WeightLayout layout = WeightLayout::Ggml) const;
  TileFn tile_for(GgmlType type, WeightLayout layout = WeightLayout::Ggml) const;
  TileFn tile4_for(GgmlType type, WeightLayout layout = WeightLayout::Ggml) const;
};

// Index into KernelTable::dot_x8 / tile4_x8; -1 when the type has no x8 layout.
int x8_index(GgmlType type);

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
