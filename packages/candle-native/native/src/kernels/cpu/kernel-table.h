#pragma once

#include <cstddef>
#include <cstdint>

#include "gguf/ggml-type.h"
#include "kernels/cpu/interleave.h"

namespace xc {

namespace cpu {
struct KvHeadView;
struct DecodeRow;
struct RopeParams;
}

// What a weight type's rows are multiplied against.
enum class ActivationFormat { F32, Q8_0, Q8K, Q8_0x8, Q8Kx8, Q8Kx16, Q8_0Sum };
constexpr int kActivationFormats = 7;
ActivationFormat activation_format(GgmlType weight_type, WeightLayout layout = WeightLayout::Ggml);
// Bytes of one activation row of n elements in `format`.
size_t activation_row_bytes(ActivationFormat format, int64_t n);

struct KernelTable;
// Quantizes one row of n activations into `format` (not F32) with the table's quantizers.
void quantize_activations(const KernelTable& kernels, ActivationFormat format, const float* x, void* out, int64_t n);

using DotFn = float (*)(int64_t n, const void* w, const void* x);
// Rows × tokens of dots: out[t·out_stride + r] for the tile's rows r and tokens t.
using TileFn = void (*)(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                        int64_t out_stride);
// A layout whose rows come in groups (WeightLayout::Rows16): `rows` rows (a multiple of the group) ×
// `tokens` tokens, out[t·out_stride + r].
using RowsTileFn = void (*)(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                            int64_t out_stride, int64_t rows, int64_t tokens);

// How one weight type's rows are multiplied in one layout.
struct LayoutKernels {
  ActivationFormat activation = ActivationFormat::F32;  // what the rows are multiplied against
  DotFn dot = nullptr;        // one row · one activation row; nullptr: the layout is not supported
  TileFn tile_4x2 = nullptr;  // optional 4 rows × 2 tokens
  TileFn tile_4x4 = nullptr;  // optional 4 rows × 4 tokens (tried before tile_4x2, then dot)
  TileFn tile_4x1 = nullptr;  // optional 4 rows × 1 token, for the tokens the wider tiles leave (then dot)
  RowsTileFn rows = nullptr;  // the whole product, for layouts whose rows are not independent (no dot)
};

// One weight type's entry, as ggml's type_traits_cpu: its kernels in either layout and whether the
// model re-lays its matrices at load.
struct WeightTraits {
  LayoutKernels ggml;         // the file's blocks as they are
  LayoutKernels interleaved;  // re-laid rows (interleave.h)
  LayoutKernels rows16;       // groups of 16 rows (interleave-rows16.h)
  bool relay = false;         // interleave at load: this table has the interleaved 4×4 tile or prefers Rows16
  bool prefer_rows16 = false; // re-lay as Rows16 where the rows come in sixteens (measured faster)

  const LayoutKernels& in(WeightLayout layout) const {
    if (layout == WeightLayout::Rows16) return rows16;
    return layout == WeightLayout::Interleaved ? interleaved : ggml;
  }
};

// Entries indexed by GgmlType id (0 … BF16).
constexpr int kWeightTypeSlots = static_cast<int>(GgmlType::BF16) + 1;

// The hot kernels of one instruction set on the CPU. A model records the table it laid its weights
// out for (Model::kernels), and every context over it runs that table. A GPU backend brings its own
// table of the same shape (per-type traits plus its attention and activation kernels) beside this one,
// chosen by the model's device.
struct KernelTable {
  const char* name = "";
  WeightTraits weights[kWeightTypeSlots];
  void (*quantize_q8_0)(const float* x, void* out, int64_t n) = nullptr;
  void (*quantize_q8_k)(const float* x, void* out, int64_t n) = nullptr;
  // Optional: Q8_0 blocks with −128·Σ qs (ActQ8_0Sum, the Rows16 layouts' activations) in one pass,
  // bit-identical to quantize_q8_0 followed by the sums.
  void (*quantize_q8_0_sum)(const float* x, void* out, int64_t n) = nullptr;
  // KV-cache helpers: f16 rows against f32 queries / accumulators.
  float (*dot_f16_f32)(int64_t n, const uint16_t* a, const float* b) = nullptr;
  void (*axpy_f16)(int64_t n, float alpha, const uint16_t* x, float* y) = nullptr;
  float (*dot_f32_f32)(int64_t n, const float* a, const float* b) = nullptr;
  void (*axpy_f32)(int64_t n, float alpha, const float* x, float* y) = nullptr;
  void (*f32_to_f16)(const float* x, uint16_t* y, int64_t n) = nullptr;
  void (*f16_to_f32)(const uint16_t* x, float* y, int64_t n) = nullptr;
  // Optional attention of up to 8 query heads against one kv head (cpu::attention_heads'
  // contract); false: shape not handled, use the portable loop.
  bool (*attend_group)(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                       float softcap_value, float* out) = nullptr;
  // Optional attention of consecutive query tokens against one kv head (cpu::attention_tokens'
  // contract; AVX2: up to 16 tokens × 8 heads, AVX-512: any number); false: shape not handled. stats (nullable): per token, each
  // head's score max then its softmax denominator (2·heads floats), for cpu::attention_slice.
  bool (*attend_tokens)(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads,
                        const int* first, const int* last, float scale, float softcap_value, float* out,
                        int64_t out_stride, float* stats) = nullptr;
  // Optional cpu::attention_decode_rows (rows of one token each, bit for bit attend_tokens' for each
  // alone); false, nothing written: not handled, attention_tokens per row.
  bool (*attend_decode_rows)(const cpu::DecodeRow* rows, int count, int heads, float scale, float softcap_value) = nullptr;
  // gate = silu(gate) · up, the llama-family feed-forward activation.
  void (*silu_mul)(float* gate, const float* up, int64_t n) = nullptr;
  // cpu::add_rms_norm_rows' contract, bit for bit (the residual add and the next norm of a prompt's rows).
  void (*add_rms_norm_rows)(float* x, const float* delta, const float* weight, float* y, int64_t n, int64_t rows,
                            float eps) = nullptr;
  // cpu::rope_rotate's contract, bit for bit.
  void (*rope_rotate)(float* x, int heads, int head_dim, const float* cos_sin, const cpu::RopeParams& params) = nullptr;

  // The type's entry; fails with XC_ERR_UNSUPPORTED for an id outside the table.
  const WeightTraits& traits(GgmlType type) const;
  WeightTraits& traits(GgmlType type);
  // The kernels for `type` in `layout`; fails when the table has no dot for them.
  const LayoutKernels& kernels_for(GgmlType type, WeightLayout layout = WeightLayout::Ggml) const;
};

const KernelTable& scalar_kernels();
// nullptr when the CPU lacks AVX2/FMA/F16C (or they were not compiled in).
const KernelTable* avx2_kernels();
// The AVX2 table with the 4×4 tiles built for AVX-512VL+VNNI; nullptr without AVX-512F/BW/VL/VNNI.
const KernelTable* avx512_kernels();
// The fastest table this CPU runs.
const KernelTable& best_kernels();
// The table a model gets when its options name none: best_kernels(), or what XC_KERNELS=scalar (or
// avx2) in the environment asks for, as far as this CPU has it.
const KernelTable& default_kernels();
// The table named `name` ("scalar", "avx2", "avx512"); nullptr or "" is best_kernels(). Fails with
// XC_ERR_UNSUPPORTED for a table this CPU or build lacks, XC_ERR_INVALID_ARGUMENT for an unknown name.
const KernelTable& kernels_named(const char* name);

// Reference dequantization of n elements (for embeddings, small tensors and tests).
void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n);

}  // namespace xc
