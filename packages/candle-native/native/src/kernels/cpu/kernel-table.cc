#include "kernels/cpu/kernel-table.h"

#include <cstdlib>
#include <cstring>

#include "common/error.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/cpu-features.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/scalar-kernels.h"

namespace xc {

const KernelTable* compiled_avx2_kernels();  // dot-avx2.cc
bool compiled_avx512_tiles(KernelTable::TileFn tiles[kTileTypes]);  // tile-4x4-avx512.cc
bool compiled_avx2_x8(KernelTable::DotFn dots[kX8Types], KernelTable::TileFn tiles[kX8Types]);  // x8-avx2.cc
bool compiled_avx512_x8(KernelTable::DotFn dots[kX8Types], KernelTable::TileFn tiles[kX8Types]);  // x8-avx512.cc

ActivationFormat activation_format(GgmlType weight_type, WeightLayout layout) {
  if (layout == WeightLayout::X8) {
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
    default: return static_cast<size_t>(n) * sizeof(float);
  }
}

int x8_index(GgmlType type) {
  switch (type) {
    case GgmlType::Q8_0: return 0;
    case GgmlType::Q4_0: return 1;
    case GgmlType::Q5_0: return 2;
    case GgmlType::Q4_K: return 3;
    case GgmlType::Q6_K: return 4;
    default: return -1;
  }
}

KernelTable::DotFn KernelTable::dot_for(GgmlType type, WeightLayout layout) const {
  if (layout == WeightLayout::X8) {
    const int i = x8_index(type);
    if (i < 0 || dot_x8[i] == nullptr) fail(XC_ERR_INTERNAL, std::string("no x8 kernel for ") + ggml_type_name(type));
    return dot_x8[i];
  }
  switch (type) {
    case GgmlType::F32: return dot_f32;
    case GgmlType::F16: return dot_f16;
    case GgmlType::BF16: return dot_bf16;
    case GgmlType::Q8_0: return dot_q8_0;
    case GgmlType::Q4_0: return dot_q4_0;
    case GgmlType::Q5_0: return dot_q5_0;
    case GgmlType::Q4_K: return dot_q4_k;
    case GgmlType::Q6_K: return dot_q6_k;
    default: fail(XC_ERR_UNSUPPORTED, std::string("no kernel for weight type ") + ggml_type_name(type));
  }
}

namespace {
// Index into KernelTable::tile_4x2; -1: no multi-row kernel for the type.
int tile_index(GgmlType type) {
  switch (type) {
    case GgmlType::Q8_0: return 0;
    case GgmlType::Q4_0: return 1;
    case GgmlType::Q5_0: return 2;
    case GgmlType::Q4_K: return 3;
    case GgmlType::F16: return 4;
    case GgmlType::BF16: return 5;
    default: return -1;
  }
}
}  // namespace

KernelTable::TileFn KernelTable::tile_for(GgmlType type, WeightLayout layout) const {
  if (layout == WeightLayout::X8) return nullptr;
  const int i = tile_index(type);
  return i < 0 ? nullptr : tile_4x2[i];
}

KernelTable::TileFn KernelTable::tile4_for(GgmlType type, WeightLayout layout) const {
  if (layout == WeightLayout::X8) {
    const int i = x8_index(type);
    return i < 0 ? nullptr : tile4_x8[i];
  }
  const int i = tile_index(type);
  return i < 0 ? nullptr : tile_4x4[i];
}

void set_scalar_x8_dots(KernelTable& table) {
  table.dot_x8[0] = scalar::dot_q8_0_x8;
  table.dot_x8[1] = scalar::dot_q4_0_x8;
  table.dot_x8[2] = scalar::dot_q5_0_x8;
  table.dot_x8[3] = scalar::dot_q4_k_x8;
  table.dot_x8[4] = scalar::dot_q6_k_x16;
}

const KernelTable& scalar_kernels() {
  static const KernelTable table = [] {
    KernelTable t{"scalar",          scalar::dot_f32,       scalar::dot_f16,     scalar::dot_bf16,
                  scalar::dot_q8_0,  scalar::dot_q4_0, scalar::dot_q5_0,      scalar::dot_q4_k,    scalar::dot_q6_k,
                  scalar::quantize_q8_0, scalar::quantize_q8_k, scalar::dot_f16_f32, scalar::axpy_f16,
                  scalar::dot_f32_f32, scalar::axpy_f32,    scalar::f32_to_f16, scalar::f16_to_f32,
                  {}, {}, nullptr};
    set_scalar_x8_dots(t);
    t.silu_mul = cpu::silu_mul;
    return t;
  }();
  return table;
}

const KernelTable* avx2_kernels() {
  const CpuFeatures& cpu = cpu_features();
  if (!(cpu.avx2 && cpu.fma && cpu.f16c)) return nullptr;
  const KernelTable* compiled = compiled_avx2_kernels();
  if (compiled == nullptr) return nullptr;
  static const KernelTable table = [compiled] {
    KernelTable t = *compiled;
    set_scalar_x8_dots(t);
    compiled_avx2_x8(t.dot_x8, t.tile4_x8);
    t.silu_mul = avx2::silu_mul;
    t.attend_tokens = avx2::attend_tokens;
    return t;
  }();
  return &table;
}

const KernelTable* avx512_kernels() {
  const KernelTable* avx2 = avx2_kernels();
  if (avx2 == nullptr || !cpu_features().avx512) return nullptr;
  static KernelTable::TileFn tiles[kTileTypes] = {};
  static KernelTable::DotFn x8_dots[kX8Types] = {};
  static KernelTable::TileFn x8_tiles[kX8Types] = {};
  static const bool compiled = compiled_avx512_tiles(tiles) && compiled_avx512_x8(x8_dots, x8_tiles);
  if (!compiled) return nullptr;
  static const KernelTable table = [avx2] {
    KernelTable t = *avx2;
    t.name = "avx512";
    for (int i = 0; i < kTileTypes; i++) t.tile_4x4[i] = tiles[i];
    for (int i = 0; i < kX8Types; i++) {
      t.dot_x8[i] = x8_dots[i];
      t.tile4_x8[i] = x8_tiles[i];
    }
    return t;
  }();
  return &table;
}

const KernelTable& best_kernels() {
  const char* forced = std::getenv("XC_KERNELS");
  if (forced != nullptr && std::strcmp(forced, "scalar") == 0) return scalar_kernels();
  const bool avx2_only = forced != nullptr && std::strcmp(forced, "avx2") == 0;
  const KernelTable* avx512 = avx2_only ? nullptr : avx512_kernels();
  if (avx512 != nullptr) return *avx512;
  const KernelTable* avx2 = avx2_kernels();
  return avx2 != nullptr ? *avx2 : scalar_kernels();
}

}  // namespace xc
