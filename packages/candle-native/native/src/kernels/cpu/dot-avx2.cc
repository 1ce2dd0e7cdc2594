// AVX2/FMA/F16C dot products, one per weight type. CMake compiles the *-avx2.cc files with
// -mavx2 -mfma -mf16c; nothing here runs unless cpuid reports those features (kernel-table.cc),
// so the library still loads on older CPUs.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/block-types.h"

namespace xc::avx2 {

float dot_f32_f32(int64_t n, const float* a, const float* b) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
  float sum = hsum(_mm256_add_ps(acc0, acc1));
  for (; i < n; i++) sum += a[i] * b[i];
  return sum;
}

float dot_f16_f32(int64_t n, const uint16_t* a, const float* b) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    const __m256 a1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i + 8)));
    acc0 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(a1, _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 a0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    acc0 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(b + i), acc0);
  }
  float sum = hsum(_mm256_add_ps(acc0, acc1));
  for (; i < n; i++) sum += half(a[i]) * b[i];
  return sum;
}

void axpy_f16(int64_t n, float alpha, const uint16_t* x, float* y) {
  const __m256 a = _mm256_set1_ps(alpha);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(a, v, _mm256_loadu_ps(y + i)));
  }
  for (; i < n; i++) y[i] += alpha * half(x[i]);
}

void axpy_f32(int64_t n, float alpha, const float* x, float* y) {
  const __m256 a = _mm256_set1_ps(alpha);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(a, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; i++) y[i] += alpha * x[i];
}

void f32_to_f16(const float* x, uint16_t* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
  }
  for (; i < n; i++) y[i] = _cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT);
}

float dot_f32(int64_t n, const void* w, const void* x) {
  return dot_f32_f32(n, static_cast<const float*>(w), static_cast<const float*>(x));
}

float dot_f16(int64_t n, const void* w, const void* x) {
  return dot_f16_f32(n, static_cast<const uint16_t*>(w), static_cast<const float*>(x));
}

float dot_bf16(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const float*>(x);
  __m256 acc = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    acc = _mm256_fmadd_ps(_mm256_castsi256_ps(_mm256_slli_epi32(wide, 16)), _mm256_loadu_ps(b + i), acc);
  }
  float sum = hsum(acc);
  for (; i < n; i++) {
    const uint32_t bits = static_cast<uint32_t>(a[i]) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    sum += f * b[i];
  }
  return sum;
}

float dot_q8_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ8_0*>(w);
  const auto* b = static_cast<const ActQ8_0*>(x);
  const int64_t blocks = n / kQK8_0;
  // independent accumulators: the fmadd chain, not memory, would otherwise bound a row
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  int64_t i = 0;
  for (; i + 4 <= blocks; i += 4) {
    for (int k = 0; k < 4; k++) {
      const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[i + k].qs));
      const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i + k].qs));
      acc[k] = _mm256_fmadd_ps(_mm256_set1_ps(half(a[i + k].d) * b[i + k].d), _mm256_cvtepi32_ps(dot_i8(qa, qb)), acc[k]);
    }
  }
  for (; i < blocks; i++) {
    const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[i].qs));
    const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs));
    acc[0] = _mm256_fmadd_ps(_mm256_set1_ps(half(a[i].d) * b[i].d), _mm256_cvtepi32_ps(dot_i8(qa, qb)), acc[0]);
  }
  return hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
}

template <typename Block>
float dot_32(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const Block*>(w);
  const auto* b = static_cast<const ActQ8_0*>(x);
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  const int64_t blocks = n / 32;
  int64_t i = 0;
  for (; i + 2 <= blocks; i += 2) {
    const __m256i qb0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs));
    const __m256i qb1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i + 1].qs));
    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half(a[i].d) * b[i].d), _mm256_cvtepi32_ps(dot_i8(block_quants(a[i]), qb0)), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_set1_ps(half(a[i + 1].d) * b[i + 1].d),
                           _mm256_cvtepi32_ps(dot_i8(block_quants(a[i + 1]), qb1)), acc1);
  }
  for (; i < blocks; i++) {
    const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs));
    acc0 = _mm256_fmadd_ps(_mm256_set1_ps(half(a[i].d) * b[i].d), _mm256_cvtepi32_ps(dot_i8(block_quants(a[i]), qb)), acc0);
  }
  return hsum(_mm256_add_ps(acc0, acc1));
}

float dot_q4_0(int64_t n, const void* w, const void* x) { return dot_32<BlockQ4_0>(n, w, x); }
float dot_q5_0(int64_t n, const void* w, const void* x) { return dot_32<BlockQ5_0>(n, w, x); }

float dot_q4_k(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ4K*>(w);
  const auto* b = static_cast<const ActQ8K*>(x);
  const __m256i mask = _mm256_set1_epi8(0xF);
  __m256 acc = _mm256_setzero_ps();
  float mins = 0;
  for (int64_t i = 0; i < n / kQK_K; i++) {
    uint8_t sc[8], m[8];
    for (int j = 0; j < 8; j++) q4k_scale_min(j, a[i].scales, &sc[j], &m[j]);
    int summ = 0;
    for (int j = 0; j < 8; j++) summ += m[j] * (b[i].bsums[2 * j] + b[i].bsums[2 * j + 1]);
    mins += b[i].d * half(a[i].dmin) * static_cast<float>(summ);
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
      const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[i].qs + 32 * j));
      const __m256i low = _mm256_and_si256(bits, mask);
      const __m256i high = _mm256_and_si256(_mm256_srli_epi16(bits, 4), mask);
      const __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs + 64 * j));
      const __m256i y1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs + 64 * j + 32));
      const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(low, y0), _mm256_set1_epi16(sc[2 * j]));
      const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(high, y1), _mm256_set1_epi16(sc[2 * j + 1]));
      sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p0, p1));
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(b[i].d * half(a[i].d)), _mm256_cvtepi32_ps(sumi), acc);
  }
  return hsum(acc) - mins;
}

float dot_q6_k(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ6K*>(w);
  const auto* b = static_cast<const ActQ8K*>(x);
  const __m256i m4 = _mm256_set1_epi8(0xF);
  const __m256i m2 = _mm256_set1_epi8(3);
  const __m256i k32 = _mm256_set1_epi8(32);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t i = 0; i < n / kQK_K; i++) {
    __m256i sumi = _mm256_setzero_si256();
    for (int h = 0; h < 2; h++) {
      const uint8_t* ql = a[i].ql + 64 * h;
      const uint8_t* qh = a[i].qh + 32 * h;
      const int8_t* sc = a[i].scales + 8 * h;
      const int8_t* y = b[i].qs + 128 * h;
      const __m256i la = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
      const __m256i lb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
      const __m256i hb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qh));
      __m256i q[4];
      q[0] = _mm256_or_si256(_mm256_and_si256(la, m4), _mm256_slli_epi16(_mm256_and_si256(hb, m2), 4));
      q[1] = _mm256_or_si256(_mm256_and_si256(lb, m4),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), m2), 4));
      q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(la, 4), m4),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), m2), 4));
      q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lb, 4), m4),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), m2), 4));
      for (int k = 0; k < 4; k++) {
        const __m256i yk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + 32 * k));
        const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q[k], yk), _mm256_maddubs_epi16(k32, yk));
        const __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[2 * k + 1]), _mm_set1_epi16(sc[2 * k]));
        sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scales));
      }
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(b[i].d * half(a[i].d)), _mm256_cvtepi32_ps(sumi), acc);
  }
  return hsum(acc);
}

}  // namespace xc::avx2

namespace xc {
bool add_avx2_kernels(KernelTable& t) {
  t.traits(GgmlType::F32).ggml.dot = avx2::dot_f32;
  t.traits(GgmlType::F16).ggml.dot = avx2::dot_f16;
  t.traits(GgmlType::BF16).ggml.dot = avx2::dot_bf16;
  t.traits(GgmlType::Q8_0).ggml.dot = avx2::dot_q8_0;
  t.traits(GgmlType::Q4_0).ggml.dot = avx2::dot_q4_0;
  t.traits(GgmlType::Q5_0).ggml.dot = avx2::dot_q5_0;
  t.traits(GgmlType::Q4_K).ggml.dot = avx2::dot_q4_k;
  t.traits(GgmlType::Q6_K).ggml.dot = avx2::dot_q6_k;
  t.traits(GgmlType::Q8_0).ggml.tile_4x2 = avx2::tile_q8_0_4x2;
  t.traits(GgmlType::Q4_0).ggml.tile_4x2 = avx2::tile_q4_0_4x2;
  t.traits(GgmlType::Q5_0).ggml.tile_4x2 = avx2::tile_q5_0_4x2;
  t.traits(GgmlType::Q4_K).ggml.tile_4x2 = avx2::tile_q4_k_4x2;
  t.traits(GgmlType::Q4_K).ggml.tile_4x4 = avx2::tile_q4_k_4x4;  // 4×4 of 32-blocks spills on AVX2
  t.quantize_q8_0 = avx2::quantize_q8_0;
  t.quantize_q8_k = avx2::quantize_q8_k;
  t.dot_f16_f32 = avx2::dot_f16_f32;
  t.axpy_f16 = avx2::axpy_f16;
  t.dot_f32_f32 = avx2::dot_f32_f32;
  t.axpy_f32 = avx2::axpy_f32;
  t.f32_to_f16 = avx2::f32_to_f16;
  t.f16_to_f32 = avx2::f16_to_f32;
  t.attend_group = avx2::attend_group;
  return true;
}
}  // namespace xc

#else  // no AVX2 at compile time

namespace xc {
bool add_avx2_kernels(KernelTable&) { return false; }
}  // namespace xc

#endif
