#include "kernels/cpu/kernel-table.h"

#include <cstdlib>
#include <cstring>

#include "common/error.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/cpu-features.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/interleave-rows16.h"
#include "kernels/cpu/interleaved-kquant-avx512.h"
#include "kernels/cpu/scalar-kernels.h"

namespace xc {

// Each instruction set's file adds its kernels to a table by field name; false when the file was
// compiled without that instruction set.
bool add_avx2_kernels(KernelTable& table);              // dot-avx2.cc
bool add_avx2_interleaved(KernelTable& table);          // interleaved-avx2.cc
bool add_avx512_tiles(KernelTable& table);              // tile-4x4-avx512.cc
bool add_avx512_interleaved(KernelTable& table);        // interleaved-avx512.cc
bool add_avx512_rows16(KernelTable& table);             // rows16-avx512.cc
bool add_avx512_attention(KernelTable& table);          // attention-avx512.cc
bool add_avx512_decode_rows(KernelTable& table);        // attention-decode-avx512.cc
bool add_avx512_rows16_q4k(KernelTable& table);         // rows16-q4k-avx512.cc
bool add_avx512_rows16_q6k(KernelTable& table);         // rows16-q6k-avx512.cc
bool add_avx512_activations(KernelTable& table);        // activations-avx512.cc
bool add_avx512_rms_norm(KernelTable& table);          // rms-norm-avx512.cc
bool add_avx512_rope(KernelTable& table);              // rope-avx512.cc

ActivationFormat activation_format(GgmlType weight_type, WeightLayout layout) {
  if (layout == WeightLayout::Rows16) {
    return weight_type == GgmlType::Q4_K || weight_type == GgmlType::Q6_K ? ActivationFormat::Q8K : ActivationFormat::Q8_0Sum;
  }
  if (layout == WeightLayout::Interleaved) {
    if (weight_type == GgmlType::Q4_K) return ActivationFormat::Q8Kx8;
    return weight_type == GgmlType::Q6_K ? ActivationFormat::Q8Kx16 : ActivationFormat::Q8_0x8;
  }
  switch (weight_type) {
    case GgmlType::Q8_0: case GgmlType::Q4_0: case GgmlType::Q5_0: return ActivationFormat::Q8_0;
    case GgmlType::Q4_K: case GgmlType::Q6_K: return ActivationFormat::Q8K;
    default: return ActivationFormat::F32;
  }
}

size_t activation_row_bytes(ActivationFormat format, int64_t n) {
  switch (format) {
    case ActivationFormat::Q8_0: return static_cast<size_t>(n / kQK8_0) * sizeof(ActQ8_0);
    case ActivationFormat::Q8K: return static_cast<size_t>(n / kQK_K) * sizeof(ActQ8K);
    case ActivationFormat::Q8_0x8:
      return static_cast<size_t>(n / 256) * sizeof(ActQ8_0x8) + static_cast<size_t>(n % 256 / kQK8_0) * sizeof(ActQ8_0);
    case ActivationFormat::Q8Kx8: return static_cast<size_t>(n / kQK_K) * sizeof(ActQ8Kx8);
    case ActivationFormat::Q8Kx16: return static_cast<size_t>(n / kQK_K) * sizeof(ActQ8Kx16);
    case ActivationFormat::Q8_0Sum: return static_cast<size_t>(n / kQK8_0) * sizeof(ActQ8_0Sum);
    default: return static_cast<size_t>(n) * sizeof(float);
  }
}

namespace {

// The activation formats of every type with kernels; each table then fills in its functions.
KernelTable table_of_formats(const char* name) {
  KernelTable t;
  t.name = name;
  for (GgmlType type : {GgmlType::F32, GgmlType::F16, GgmlType::BF16, GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0,
                        GgmlType::Q4_K, GgmlType::Q6_K}) {
    t.traits(type).ggml.activation = activation_format(type, WeightLayout::Ggml);
    if (has_interleaved_layout(type)) t.traits(type).interleaved.activation = activation_format(type, WeightLayout::Interleaved);
    if (has_rows16_layout(type)) t.traits(type).rows16.activation = activation_format(type, WeightLayout::Rows16);
  }
  return t;
}

// The interleaved layout pays off only where it has a 4×4 tile: its dot alone is no faster.
KernelTable& with_relay_flags(KernelTable& t) {
  for (WeightTraits& traits : t.weights) traits.relay = traits.interleaved.tile_4x4 != nullptr || traits.prefer_rows16;
  return t;
}

}  // namespace

const WeightTraits& KernelTable::traits(GgmlType type) const {
  const auto id = static_cast<uint32_t>(type);
  if (id >= static_cast<uint32_t>(kWeightTypeSlots)) {
    fail(XC_ERR_UNSUPPORTED, std::string("no kernel for weight type ") + ggml_type_name(type));
  }
  return weights[id];
}

WeightTraits& KernelTable::traits(GgmlType type) {
  return const_cast<WeightTraits&>(static_cast<const KernelTable&>(*this).traits(type));
}

const LayoutKernels& KernelTable::kernels_for(GgmlType type, WeightLayout layout) const {
  const LayoutKernels& kernels = traits(type).in(layout);
  if (kernels.dot == nullptr && kernels.rows == nullptr) {
    if (layout != WeightLayout::Ggml) fail(XC_ERR_INTERNAL, std::string("no interleaved kernel for ") + ggml_type_name(type));
    fail(XC_ERR_UNSUPPORTED, std::string("no kernel for weight type ") + ggml_type_name(type));
  }
  return kernels;
}

const KernelTable& scalar_kernels() {
  static const KernelTable table = [] {
    KernelTable t = table_of_formats("scalar");
    t.traits(GgmlType::F32).ggml.dot = scalar::dot_f32;
    t.traits(GgmlType::F16).ggml.dot = scalar::dot_f16;
    t.traits(GgmlType::BF16).ggml.dot = scalar::dot_bf16;
    t.traits(GgmlType::Q8_0).ggml.dot = scalar::dot_q8_0;
    t.traits(GgmlType::Q4_0).ggml.dot = scalar::dot_q4_0;
    t.traits(GgmlType::Q5_0).ggml.dot = scalar::dot_q5_0;
    t.traits(GgmlType::Q4_K).ggml.dot = scalar::dot_q4_k;
    t.traits(GgmlType::Q6_K).ggml.dot = scalar::dot_q6_k;
    t.traits(GgmlType::Q8_0).interleaved.dot = scalar::dot_q8_0_x8;
    t.traits(GgmlType::Q4_0).interleaved.dot = scalar::dot_q4_0_x8;
    t.traits(GgmlType::Q5_0).interleaved.dot = scalar::dot_q5_0_x8;
    t.traits(GgmlType::Q4_K).interleaved.dot = scalar::dot_q4_k_x8;
    t.traits(GgmlType::Q6_K).interleaved.dot = scalar::dot_q6_k_x16;
    t.traits(GgmlType::Q8_0).rows16.rows = scalar::rows16_q8_0;
    t.traits(GgmlType::Q4_0).rows16.rows = scalar::rows16_q4_0;
    t.traits(GgmlType::Q5_0).rows16.rows = scalar::rows16_q5_0;
    t.traits(GgmlType::Q4_K).rows16.rows = scalar::rows16_q4_k;
    t.traits(GgmlType::Q6_K).rows16.rows = scalar::rows16_q6_k;
    t.quantize_q8_0 = scalar::quantize_q8_0;
    t.quantize_q8_k = scalar::quantize_q8_k;
    t.dot_f16_f32 = scalar::dot_f16_f32;
    t.axpy_f16 = scalar::axpy_f16;
    t.dot_f32_f32 = scalar::dot_f32_f32;
    t.axpy_f32 = scalar::axpy_f32;
    t.f32_to_f16 = scalar::f32_to_f16;
    t.f16_to_f32 = scalar::f16_to_f32;
    t.silu_mul = cpu::silu_mul;
    t.add_rms_norm_rows = cpu::add_rms_norm_rows;
    t.rope_rotate = cpu::rope_rotate;
    return with_relay_flags(t);
  }();
  return table;
}

const KernelTable* avx2_kernels() {
  const CpuFeatures& cpu = cpu_features();
  if (!(cpu.avx2 && cpu.fma && cpu.f16c)) return nullptr;
  static const KernelTable table = [] {
    KernelTable t = scalar_kernels();  // the interleaved dots AVX2 lacks stay scalar
    t.name = "avx2";
    if (!add_avx2_kernels(t)) t.name = nullptr;
    add_avx2_interleaved(t);
    t.silu_mul = avx2::silu_mul;
    t.attend_tokens = avx2::attend_tokens;
    return with_relay_flags(t);
  }();
  return table.name == nullptr ? nullptr : &table;
}

const KernelTable* avx512_kernels() {
  const KernelTable* avx2 = avx2_kernels();
  if (avx2 == nullptr || !cpu_features().avx512) return nullptr;
  static const KernelTable table = [avx2] {
    KernelTable t = *avx2;
    t.name = "avx512";
    if (!(add_avx512_tiles(t) && add_avx512_interleaved(t) && add_avx512_kquant_interleaved(t) && add_avx512_rows16(t) &&
          add_avx512_rows16_q4k(t) && add_avx512_rows16_q6k(t) && add_avx512_attention(t) && add_avx512_decode_rows(t) && add_avx512_activations(t) &&
          add_avx512_rms_norm(t) && add_avx512_rope(t))) {
      t.name = nullptr;
    }
    return with_relay_flags(t);
  }();
  return table.name == nullptr ? nullptr : &table;
}

const KernelTable& best_kernels() {
  if (const KernelTable* avx512 = avx512_kernels()) return *avx512;
  const KernelTable* avx2 = avx2_kernels();
  return avx2 != nullptr ? *avx2 : scalar_kernels();
}

const KernelTable& default_kernels() {
  const char* forced = std::getenv("XC_KERNELS");
  if (forced != nullptr && std::strcmp(forced, "scalar") == 0) return scalar_kernels();
  if (forced != nullptr && std::strcmp(forced, "avx2") == 0) {
    const KernelTable* avx2 = avx2_kernels();
    return avx2 != nullptr ? *avx2 : scalar_kernels();
  }
  return best_kernels();
}

const KernelTable& kernels_named(const char* name) {
  if (name == nullptr || *name == '\0') return best_kernels();
  const KernelTable* table = nullptr;
  if (std::strcmp(name, "scalar") == 0) return scalar_kernels();
  if (std::strcmp(name, "avx2") == 0) table = avx2_kernels();
  else if (std::strcmp(name, "avx512") == 0) table = avx512_kernels();
  else fail(XC_ERR_INVALID_ARGUMENT, std::string("unknown kernel table '") + name + "' (expected scalar, avx2 or avx512)");
  if (table == nullptr) fail(XC_ERR_UNSUPPORTED, std::string("this CPU or build has no ") + name + " kernels");
  return *table;
}

}  // namespace xc
