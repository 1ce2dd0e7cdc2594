// Kernel checks: reference dequantization values, every dot product against an f64 reference, and
// the scalar and AVX2 tables against each other (bit-identical quantization, dots within tolerance).
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <random>

#include "check.h"
#include "common/fp16.h"
#include "gguf-writer.h"
#include "kernels/cpu/argmax-row.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/kernel-table.h"

namespace xch {

using xc::GgmlType;

namespace {

std::vector<float> random_values(std::mt19937& engine, size_t n, float spread) {
  std::uniform_real_distribution<float> dist(-spread, spread);
  std::vector<float> values(n);
  for (float& v : values) v = dist(engine);
  return values;
}

float scalar_dot(GgmlType type, int64_t n, const void* w, const void* x) { return xc::scalar_kernels().kernels_for(type).dot(n, w, x); }

void check_fp16(Checker& check) {
  check.expect(xc::fp16_to_f32(0x3C00) == 1.0f && xc::fp16_to_f32(0xC000) == -2.0f &&
                   xc::fp16_to_f32(0x7BFF) == 65504.0f && xc::fp16_to_f32(0x0001) == std::ldexp(1.0f, -24) &&
                   xc::fp16_to_f32(0x3555) == 0.333251953125f,
               "fp16 → f32 known values");
  bool roundtrip = true;
  for (uint32_t h = 0; h < 65536; h++) {
    if ((h & 0x7c00) == 0x7c00 && (h & 0x3ff) != 0) continue;  // NaN payloads
    roundtrip &= xc::f32_to_fp16(xc::fp16_to_f32(static_cast<uint16_t>(h))) == h;
  }
  check.expect(roundtrip, "f16 → f32 → f16 round trip of every finite half");
  check.expect(xc::f32_to_fp16(1.0f + std::ldexp(1.0f, -11)) == 0x3C00 && xc::f32_to_fp16(1e6f) == 0x7C00 &&
                   xc::bf16_to_f32(0x3F80) == 1.0f,
               "f32 → f16 ties to even, overflow to infinity; bf16 → f32");
  const xc::KernelTable* avx2 = xc::avx2_kernels();
  if (avx2 == nullptr) return;
  std::mt19937 engine(7);
  std::vector<float> values = random_values(engine, 4096, 70000.0f);
  for (size_t i = 0; i < 1024; i++) values[i] *= 1e-9f;  // subnormal halves
  std::vector<uint16_t> a(values.size()), b(values.size());
  xc::scalar_kernels().f32_to_f16(values.data(), a.data(), static_cast<int64_t>(values.size()));
  avx2->f32_to_f16(values.data(), b.data(), static_cast<int64_t>(values.size()));
  check.expect(a == b, "f32 → f16: scalar = F16C");
}

// Hand-built blocks with values computed from the format description (ggml-common.h).
void check_dequantize(Checker& check) {
  xc::BlockQ8_0 q8{};
  q8.d = 0x3800;  // 0.5
  for (int j = 0; j < 32; j++) q8.qs[j] = static_cast<int8_t>(j - 16);
  float out[256];
  xc::dequantize_row(GgmlType::Q8_0, &q8, out, 32);
  bool good = true;
  for (int j = 0; j < 32; j++) good &= out[j] == 0.5f * (j - 16);
  check.expect(good, "Q8_0 dequantize: d · q");

  xc::BlockQ4_0 q4{};
  q4.d = 0x4000;  // 2
  for (int j = 0; j < 16; j++) q4.qs[j] = static_cast<uint8_t>(j | ((15 - j) << 4));
  xc::dequantize_row(GgmlType::Q4_0, &q4, out, 32);
  good = true;
  for (int j = 0; j < 16; j++) good &= out[j] == 2.0f * (j - 8) && out[j + 16] == 2.0f * (7 - j);
  check.expect(good, "Q4_0 dequantize: low nibbles first, then high, minus 8");

  xc::BlockQ5_0 q5{};
  q5.d = 0x3C00;  // 1
  const uint32_t q5_high = 0xA5F0C381u;
  std::memcpy(q5.qh, &q5_high, 4);
  for (int j = 0; j < 16; j++) q5.qs[j] = static_cast<uint8_t>((j * 3 % 16) | ((15 - j) << 4));
  xc::dequantize_row(GgmlType::Q5_0, &q5, out, 32);
  good = true;
  for (int j = 0; j < 16; j++) {
    good &= out[j] == static_cast<float>(((j * 3 % 16) | static_cast<int>(((q5_high >> j) & 1) << 4)) - 16);
    good &= out[j + 16] == static_cast<float>(((15 - j) | static_cast<int>(((q5_high >> (j + 16)) & 1) << 4)) - 16);
  }
  check.expect(good, "Q5_0 dequantize: nibble plus a fifth bit from qh, minus 16");

  xc::BlockQ4K q4k{};
  q4k.d = 0x3C00;     // 1
  q4k.dmin = 0x3800;  // 0.5
  // six-bit scales and mins with high bits set in the upper four, packed as ggml does
  const uint8_t scales[8] = {1, 2, 3, 4, 17, 33, 49, 63}, mins[8] = {0, 2, 4, 6, 20, 40, 50, 63};
  for (int j = 0; j < 4; j++) {
    q4k.scales[j] = scales[j] | static_cast<uint8_t>((scales[j + 4] >> 4) << 6);
    q4k.scales[j + 4] = mins[j] | static_cast<uint8_t>((mins[j + 4] >> 4) << 6);
    q4k.scales[j + 8] = static_cast<uint8_t>((scales[j + 4] & 0xF) | ((mins[j + 4] & 0xF) << 4));
  }
  for (int i = 0; i < 128; i++) q4k.qs[i] = static_cast<uint8_t>((i % 16) | (((i + 5) % 16) << 4));
  xc::dequantize_row(GgmlType::Q4_K, &q4k, out, 256);
  good = true;
  for (int e = 0; e < 256; e++) {
    const int sub = e / 32, chunk = e / 64, l = e % 32;
    const uint8_t byte = q4k.qs[32 * chunk + l];
    const int q = (sub % 2 == 0) ? (byte & 0xF) : (byte >> 4);
    good &= out[e] == 1.0f * scales[sub] * q - 0.5f * mins[sub];
  }
  check.expect(good, "Q4_K dequantize: 6-bit scales/mins, 4-bit quants");

  xc::BlockQ6K q6k{};
  q6k.d = 0x3400;  // 0.25
  uint8_t L[256];
  for (int e = 0; e < 256; e++) L[e] = static_cast<uint8_t>((e * 37) % 64);
  for (int g = 0; g < 16; g++) q6k.scales[g] = static_cast<int8_t>(g * 9 - 70);
  // pack as ggml's quantize_row_q6_K: halves of 128, four 32-wide groups each
  for (int h = 0; h < 2; h++) {
    for (int l = 0; l < 32; l++) {
      const uint8_t* v = L + 128 * h;
      q6k.ql[64 * h + l] = static_cast<uint8_t>((v[l] & 0xF) | ((v[l + 64] & 0xF) << 4));
      q6k.ql[64 * h + l + 32] = static_cast<uint8_t>((v[l + 32] & 0xF) | ((v[l + 96] & 0xF) << 4));
      q6k.qh[32 * h + l] = static_cast<uint8_t>((v[l] >> 4) | ((v[l + 32] >> 4) << 2) | ((v[l + 64] >> 4) << 4) |
                                                ((v[l + 96] >> 4) << 6));
    }
  }
  xc::dequantize_row(GgmlType::Q6_K, &q6k, out, 256);
  good = true;
  for (int e = 0; e < 256; e++) good &= out[e] == 0.25f * q6k.scales[e / 16] * (L[e] - 32);
  check.expect(good, "Q6_K dequantize: 4+2-bit quants, int8 scales per 16");
}

void check_dots(Checker& check) {
  const xc::KernelTable& scalar = xc::scalar_kernels();
  const xc::KernelTable* avx2 = xc::avx2_kernels();
  std::mt19937 engine(11);
  const struct {
    GgmlType type;
    const char* name;
    double tolerance;  // of the quantized dot against the exact one, relative to Σ|w·x|
  } types[] = {{GgmlType::F32, "F32", 1e-6}, {GgmlType::F16, "F16", 1e-6}, {GgmlType::BF16, "BF16", 1e-6},
               {GgmlType::Q8_0, "Q8_0", 2e-2}, {GgmlType::Q4_0, "Q4_0", 2e-2}, {GgmlType::Q5_0, "Q5_0", 2e-2}, {GgmlType::Q4_K, "Q4_K", 2e-2},
               {GgmlType::Q6_K, "Q6_K", 2e-2}};
  const int64_t n = 1024;
  for (const auto& t : types) {
    double worst_exact = 0, worst_avx2 = 0;
    bool quantize_equal = true;
    for (int trial = 0; trial < 20; trial++) {
      const std::vector<float> w = random_values(engine, n, 1.0f);
      std::vector<float> x = random_values(engine, n, 2.0f);
      if (trial == 0) std::fill(x.begin(), x.begin() + 256, 0.0f);  // an all-zero activation block
      const std::vector<uint8_t> encoded = encode_tensor(t.type, w, n);
      std::vector<float> dequantized(n);
      xc::dequantize_row(t.type, encoded.data(), dequantized.data(), n);
      double exact = 0, magnitude = 0;
      for (int64_t i = 0; i < n; i++) {
        exact += static_cast<double>(dequantized[i]) * x[i];
        magnitude += std::fabs(static_cast<double>(dequantized[i]) * x[i]);
      }
      const xc::ActivationFormat format = xc::activation_format(t.type);
      std::vector<uint8_t> qa(xc::activation_row_bytes(format, n)), qb(qa.size());
      const void* xs = x.data();
      const void* xv = x.data();
      if (format != xc::ActivationFormat::F32) {
        auto quantize = format == xc::ActivationFormat::Q8_0 ? &xc::KernelTable::quantize_q8_0 : &xc::KernelTable::quantize_q8_k;
        (scalar.*quantize)(x.data(), qa.data(), n);
        xs = qa.data();
        xv = qa.data();
        if (avx2 != nullptr) {
          (avx2->*quantize)(x.data(), qb.data(), n);
          quantize_equal &= qa == qb;
          xv = qb.data();
        }
      }
      const float s = scalar.kernels_for(t.type).dot(n, encoded.data(), xs);
      worst_exact = std::max(worst_exact, std::fabs(s - exact) / magnitude);
      if (avx2 != nullptr) {
        const float v = avx2->kernels_for(t.type).dot(n, encoded.data(), xv);
        worst_avx2 = std::max(worst_avx2, std::fabs(static_cast<double>(v) - s) / magnitude);
      }
    }
    check.expect(worst_exact < t.tolerance, std::string(t.name) + " scalar dot ≈ exact dot of dequantized weights",
                 "error " + number(worst_exact));
    if (avx2 == nullptr) continue;
    check.expect(worst_avx2 < 1e-6, std::string(t.name) + " AVX2 dot = scalar dot", "error " + number(worst_avx2));
    check.expect(quantize_equal, std::string(t.name) + " activation quantization: AVX2 bytes = scalar bytes");
  }
}

void check_tiles(Checker& check) {
  const xc::KernelTable* avx2 = xc::avx2_kernels();
  if (avx2 == nullptr) return;
  std::mt19937 engine(13);
  for (GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q4_K}) {
    const int64_t n = type == GgmlType::Q4_K ? 768 : 576;
    const xc::ActivationFormat format = xc::activation_format(type);
    const std::string name = xc::ggml_type_name(type);
    if (!check.expect(avx2->kernels_for(type).tile_4x2 != nullptr, name + " has an AVX2 prefill tile")) {
      continue;
    }
    const std::vector<float> w = random_values(engine, 4 * n, 1.0f);
    const std::vector<float> x = random_values(engine, 2 * n, 1.0f);
    const std::vector<uint8_t> weights = encode_tensor(type, w, n);
    const int64_t row_bytes = static_cast<int64_t>(weights.size() / 4);
    const size_t act_bytes = xc::activation_row_bytes(format, n);
    std::vector<uint8_t> act(2 * act_bytes);
    auto quantize = format == xc::ActivationFormat::Q8K ? avx2->quantize_q8_k : avx2->quantize_q8_0;
    quantize(x.data(), act.data(), n);
    quantize(x.data() + n, act.data() + act_bytes, n);
    float tile[2 * 5];
    avx2->kernels_for(type).tile_4x2(n, weights.data(), row_bytes, act.data(), static_cast<int64_t>(act_bytes), tile, 5);
    double tile_error = 0;
    for (int r = 0; r < 4; r++) {
      for (int t = 0; t < 2; t++) {
        const float dot = scalar_dot(type, n, weights.data() + r * row_bytes, act.data() + t * act_bytes);
        tile_error = std::max(tile_error, static_cast<double>(std::fabs(dot - tile[t * 5 + r])) / (std::fabs(dot) + 1e-3));
      }
    }
    check.expect(tile_error < 1e-5, name + " 4×2 prefill tile = scalar row dots", "relative error " + number(tile_error));
  }
}

// Every 4 rows × 4 tokens tile of every SIMD table (AVX2 and AVX-512 builds of the same source)
// against the scalar row dots.
void check_tiles_4x4(Checker& check) {
  std::mt19937 engine(17);
  for (const xc::KernelTable* table : {xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    for (GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q4_K, GgmlType::F16, GgmlType::BF16}) {
      const xc::TileFn tile4 = table->kernels_for(type).tile_4x4;
      if (tile4 == nullptr) continue;
      const bool half = type == GgmlType::F16 || type == GgmlType::BF16;
      const int64_t n = type == GgmlType::Q4_K ? 768 : half ? 581 : 576;  // 16-bit floats: a ragged tail
      const xc::ActivationFormat format = xc::activation_format(type);
      const std::string name = std::string(table->name) + " " + xc::ggml_type_name(type);
      const std::vector<float> w = random_values(engine, 4 * n, 1.0f);
      const std::vector<float> x = random_values(engine, 4 * n, 1.0f);
      const std::vector<uint8_t> weights = encode_tensor(type, w, n);
      const int64_t row_bytes = static_cast<int64_t>(weights.size() / 4);
      const size_t act_bytes = xc::activation_row_bytes(format, n);
      std::vector<uint8_t> act(4 * act_bytes);
      auto quantize = format == xc::ActivationFormat::Q8K ? xc::scalar_kernels().quantize_q8_k : xc::scalar_kernels().quantize_q8_0;
      for (int t = 0; t < 4; t++) {
        if (format == xc::ActivationFormat::F32) std::memcpy(act.data() + t * act_bytes, x.data() + t * n, act_bytes);
        else quantize(x.data() + t * n, act.data() + t * act_bytes, n);
      }
      float tile[4 * 5];
      tile4(n, weights.data(), row_bytes, act.data(), static_cast<int64_t>(act_bytes), tile, 5);
      double tile_error = 0;
      for (int r = 0; r < 4; r++) {
        for (int t = 0; t < 4; t++) {
          const float dot = scalar_dot(type, n, weights.data() + r * row_bytes, act.data() + t * act_bytes);
          tile_error = std::max(tile_error, static_cast<double>(std::fabs(dot - tile[t * 5 + r])) / (std::fabs(dot) + 1e-3));
        }
      }
      check.expect(tile_error < 1e-5, name + " 4×4 prefill tile = scalar row dots", "relative error " + number(tile_error));
      const xc::TileFn tile1 = table->kernels_for(type).tile_4x1;
      if (tile1 == nullptr) continue;
      // the decode tile, at widths with and without a ragged tail after its 32-element steps
      for (const int64_t width : {n, int64_t{576}, int64_t{16}, int64_t{7}}) {
        float out[5] = {-7.0f, -7.0f, -7.0f, -7.0f, -7.0f};
        tile1(width, weights.data(), row_bytes, act.data(), static_cast<int64_t>(act_bytes), out, 5);
        double error = 0;
        for (int r = 0; r < 4; r++) {
          const float dot = scalar_dot(type, width, weights.data() + r * row_bytes, act.data());
          error = std::max(error, static_cast<double>(std::fabs(dot - out[r])) / (std::fabs(dot) + 1e-3));
        }
        check.expect(error < 1e-5 && out[4] == -7.0f, name + " 4×1 decode tile, " + std::to_string(width) + " wide = scalar row dots",
                     "relative error " + number(error));
      }
    }
  }
}

// Q4_K at its integer extremes (nibbles 15, scales and mins 63, activations −128 / 127): no narrowed sum may clip.
void check_q4k_tile_extremes(Checker& check) {
  constexpr int64_t n = 2 * xc::kQK_K;
  const int64_t row_bytes = (n / xc::kQK_K) * static_cast<int64_t>(sizeof(xc::BlockQ4K));
  std::vector<uint8_t> weights(4 * row_bytes, 0xFF);
  for (size_t b = 0; b < weights.size(); b += sizeof(xc::BlockQ4K)) std::memcpy(&weights[b], "\x00\x3C\x00\x3C", 4);  // d = dmin = 1
  const size_t act_bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8K, n);
  std::vector<uint8_t> act(4 * act_bytes);
  for (int t = 0; t < 4; t++) {
    auto* rows = reinterpret_cast<xc::ActQ8K*>(act.data() + t * act_bytes);
    const int8_t q = t % 2 == 0 ? -128 : 127;
    for (int64_t blk = 0; blk < n / xc::kQK_K; blk++) {
      rows[blk].d = 1.0f;
      std::memset(rows[blk].qs, static_cast<uint8_t>(q), sizeof(rows[blk].qs));
      for (auto& s : rows[blk].bsums) s = static_cast<int16_t>(16 * q);
    }
  }
  for (const xc::KernelTable* table : {xc::avx2_kernels(), xc::avx512_kernels()}) {
    const xc::TileFn tile4 = table == nullptr ? nullptr : table->kernels_for(GgmlType::Q4_K).tile_4x4;
    if (tile4 == nullptr) continue;
    float tile[4 * 5];
    tile4(n, weights.data(), row_bytes, act.data(), static_cast<int64_t>(act_bytes), tile, 5);
    double error = 0;
    for (int r = 0; r < 4; r++) {
      for (int t = 0; t < 4; t++) {
        const float dot = scalar_dot(GgmlType::Q4_K, n, weights.data() + r * row_bytes, act.data() + t * act_bytes);
        error = std::max(error, static_cast<double>(std::fabs(dot - tile[t * 5 + r])) / (std::fabs(dot) + 1e-3));
      }
    }
    check.expect(error < 1e-6, std::string(table->name) + " Q4_K 4×4 tile at the integer extremes = scalar row dots",
                 "relative error " + number(error));
  }
}

// xc_forward_argmax's row kernel against the runtime's rule (sampling/argmax.ts): the first maximum
// wins, NaN never does, a row of only NaN and -inf gives 0; rows of every length around the AVX2 body.
void check_argmax_row(Checker& check) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  auto reference = [](const std::vector<float>& row) {
    int32_t best = 0;
    float best_value = -std::numeric_limits<float>::infinity();
    for (size_t i = 0; i < row.size(); i++)
      if (row[i] > best_value) best_value = row[i], best = static_cast<int32_t>(i);
    return best;
  };
  std::mt19937 engine(11);
  int mismatches = 0;
  std::string first;
  for (int n : {1, 2, 7, 8, 31, 32, 33, 63, 64, 65, 100, 257, 1000, 49152, 151936}) {
    std::uniform_int_distribution<int> index(0, n - 1);
    for (int variant = 0; variant < 8; variant++) {
      std::vector<float> row = random_values(engine, static_cast<size_t>(n), 20.0f);
      if (variant == 1 || variant == 2) {  // ties: the same maximum at several places, across lanes
        for (int k = 0; k < 4; k++) row[static_cast<size_t>(index(engine))] = 25.0f;
      }
      if (variant == 2 || variant == 3) {  // NaNs, one of them where the maximum would be
        for (int k = 0; k < 5; k++) row[static_cast<size_t>(index(engine))] = nan;
        row[static_cast<size_t>(reference(row))] = nan;
      }
      if (variant == 4) row.assign(row.size(), -inf);
      if (variant == 5) {
        row.assign(row.size(), nan);
        row[static_cast<size_t>(index(engine))] = -inf;
      }
      if (variant == 6) row.assign(row.size(), 3.0f);
      if (variant == 7) row[static_cast<size_t>(n - 1)] = 30.0f, row[static_cast<size_t>(index(engine))] = 30.0f;
      const int32_t want = reference(row);
      const int32_t got = xc::cpu::argmax_row(row.data(), n);
      if (got != want && mismatches++ == 0)
        first = "n=" + std::to_string(n) + " variant " + std::to_string(variant) + ": " + std::to_string(got) +
                " != " + std::to_string(want);
    }
  }
  check.expect(mismatches == 0, "argmax_row = the runtime's argmax (ties, NaN, -inf, every tail length)", first);
}

// argmax_row_masked against the scalar rule it documents (the runtime's greedyPick with a mask): tokens
// left out read as -inf, first maximum wins, 0 when every allowed value is -inf/NaN, -1 for an empty mask.
void check_argmax_row_masked(Checker& check) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  auto reference = [](const std::vector<float>& row, const std::vector<uint32_t>& mask) {
    int32_t best = 0;
    float best_value = -std::numeric_limits<float>::infinity();
    bool any = false;
    for (size_t i = 0; i < row.size(); i++) {
      if (((mask[i >> 5] >> (i & 31)) & 1u) == 0) continue;
      any = true;
      if (row[i] > best_value) best_value = row[i], best = static_cast<int32_t>(i);
    }
    return any ? best : -1;
  };
  std::mt19937 engine(12);
  int mismatches = 0, cases = 0;
  std::string first;
  for (int n : {1, 2, 7, 31, 32, 33, 63, 64, 65, 100, 257, 1000, 49152, 151936}) {
    const size_t words = (static_cast<size_t>(n) + 31) / 32;
    std::uniform_int_distribution<int> index(0, n - 1);
    std::uniform_int_distribution<uint32_t> bits;
    for (int variant = 0; variant < 10; variant++) {
      std::vector<float> row = random_values(engine, static_cast<size_t>(n), 20.0f);
      std::vector<uint32_t> mask(words);
      for (uint32_t& word : mask) word = bits(engine) & bits(engine);  // about a quarter allowed
      // The maximum of the row left out, so the masked pick differs from the unmasked one.
      const size_t top = static_cast<size_t>(std::max_element(row.begin(), row.end()) - row.begin());
      mask[top >> 5] &= ~(1u << (top & 31));
      if (variant == 1) {  // ties among allowed tokens, across lanes and blocks
        for (int k = 0; k < 6; k++) {
          const int at = index(engine);
          row[static_cast<size_t>(at)] = 25.0f;
          mask[static_cast<size_t>(at) >> 5] |= 1u << (at & 31);
        }
      }
      if (variant == 2) {  // NaNs, one where the allowed maximum would be
        for (int k = 0; k < 5; k++) row[static_cast<size_t>(index(engine))] = nan;
        const int32_t at = reference(row, mask);
        if (at >= 0) row[static_cast<size_t>(at)] = nan;
      }
      if (variant == 3) row.assign(row.size(), -inf);
      if (variant == 4) mask.assign(words, 0);  // nothing allowed
      if (variant == 5) {  // one allowed token, the last one
        mask.assign(words, 0);
        mask[static_cast<size_t>(n - 1) >> 5] = 1u << ((n - 1) & 31);
      }
      if (variant == 6) {  // only bits past n set: nothing allowed
        mask.assign(words, 0);
        if ((n & 31) != 0) mask[words - 1] = ~((1u << (n & 31)) - 1);
      }
      if (variant == 7) mask.assign(words, 0xffffffffu);  // everything: the unmasked argmax
      if (variant == 8) {  // allowed values all NaN/-inf, token 0 left out: 0 all the same
        mask.assign(words, 0);
        for (int k = 0; k < 3; k++) {
          const int at = index(engine);
          if (at == 0) continue;
          mask[static_cast<size_t>(at) >> 5] |= 1u << (at & 31);
          row[static_cast<size_t>(at)] = k == 0 ? -inf : nan;
        }
      }
      if (variant == 9) {  // whole 32-token blocks left out, the best value in one of them
        for (size_t w = 0; w < words; w += 2) mask[w] = 0;
        row[0] = 40.0f;
      }
      const int32_t want = variant == 7 ? xc::cpu::argmax_row(row.data(), n) : reference(row, mask);
      const int32_t got = xc::cpu::argmax_row_masked(row.data(), n, mask.data());
      cases++;
      if (got != reference(row, mask) || got != want) {
        if (mismatches++ == 0)
          first = "n=" + std::to_string(n) + " variant " + std::to_string(variant) + ": " + std::to_string(got) +
                  " != " + std::to_string(reference(row, mask));
      }
    }
  }
  check.expect(mismatches == 0,
               "argmax_row_masked = the scalar masked rule (" + std::to_string(cases) +
                   " rows: ties, NaN, -inf, empty masks, every tail length)",
               first);
}

}  // namespace

void run_kernel_checks(Checker& check) {
  check_argmax_row(check);
  check_argmax_row_masked(check);
  check_tiles(check);
  check_tiles_4x4(check);
  check_q4k_tile_extremes(check);
  check_fp16(check);
  check_dequantize(check);
  check_dots(check);
}

}  // namespace xch
