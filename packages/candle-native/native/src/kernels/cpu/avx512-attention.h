#pragma once

// Inline helpers of the AVX-512 attention files; include only from files compiled with AVX-512F.
#include <immintrin.h>

#include "kernels/cpu/avx512-gcc-warnings.h"

#include <cstdint>

namespace xc::avx512_attention {
// Internal linkage, as avx2-helpers.h: no AVX-512 copy may be picked for a caller without it.
namespace {

inline __m512 widen16(const uint16_t* h) {
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(h)));
}

// e^x for x already in [−87, 88]: the polynomial of avx2::exp_ps, 16 lanes, 2^k applied by scalef.
inline __m512 exp16_in_range(__m512 x) {
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693359375f), x);
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(-2.12194440e-4f), r);
  __m512 p = _mm512_set1_ps(1.9875691500e-4f);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.3981999507e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(8.3334519073e-3f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(4.1665795894e-2f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.6666665459e-1f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(5.0000001201e-1f));
  p = _mm512_fmadd_ps(p, _mm512_mul_ps(r, r), _mm512_add_ps(r, _mm512_set1_ps(1.0f)));
  return _mm512_scalef_ps(p, k);
}

// e^x, x clamped to [−87, 88].
inline __m512 exp16(__m512 x) {
  return exp16_in_range(_mm512_min_ps(_mm512_max_ps(x, _mm512_set1_ps(-87.0f)), _mm512_set1_ps(88.0f)));
}

// exp16 of x ≤ 0 (or NaN), bit for bit: the clamp at 88 never binds there (a live score minus its
// row's max), so only the one at −87 is kept.
inline __m512 exp16_at_most_zero(__m512 x) { return exp16_in_range(_mm512_max_ps(x, _mm512_set1_ps(-87.0f))); }

// The 16-lane vector primitives, as the traits the shared attention drivers take
// (attention-decode-driver.h, attention-tokens-driver.h).
struct Avx512Lanes {
  using Vec = __m512;
  static constexpr int kLanes = 16;
  static Vec zero() { return _mm512_setzero_ps(); }
  static Vec set1(float x) { return _mm512_set1_ps(x); }
  static Vec load(const float* p) { return _mm512_load_ps(p); }
  static Vec loadu(const float* p) { return _mm512_loadu_ps(p); }
  static void store(float* p, Vec v) { _mm512_store_ps(p, v); }
  static void storeu(float* p, Vec v) { _mm512_storeu_ps(p, v); }
  static Vec broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static Vec widen(const uint16_t* h) { return widen16(h); }
  static Vec add(Vec a, Vec b) { return _mm512_add_ps(a, b); }
  static Vec sub(Vec a, Vec b) { return _mm512_sub_ps(a, b); }
  static Vec mul(Vec a, Vec b) { return _mm512_mul_ps(a, b); }
  static Vec max(Vec a, Vec b) { return _mm512_max_ps(a, b); }
  static Vec fmadd(Vec a, Vec b, Vec c) { return _mm512_fmadd_ps(a, b, c); }
  static Vec exp(Vec x) { return exp16(x); }
};

// Eight 16-lane partial sums → their eight totals, in order, by a transposing add tree (no
// horizontal add per vector).
inline __m256 reduce8(const __m512* a) {
  __m512 pair[4];
  for (int i = 0; i < 4; i++) {
    pair[i] = _mm512_add_ps(_mm512_unpacklo_ps(a[2 * i], a[2 * i + 1]), _mm512_unpackhi_ps(a[2 * i], a[2 * i + 1]));
  }
  __m512 quad[2];
  for (int i = 0; i < 2; i++) {
    const __m512d x = _mm512_castps_pd(pair[2 * i]), y = _mm512_castps_pd(pair[2 * i + 1]);
    quad[i] = _mm512_add_ps(_mm512_castpd_ps(_mm512_unpacklo_pd(x, y)), _mm512_castpd_ps(_mm512_unpackhi_pd(x, y)));
  }
  // 128-bit lanes: quad[0] holds a–d four times, quad[1] e–h
  const __m512 z = _mm512_add_ps(_mm512_shuffle_f32x4(quad[0], quad[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                 _mm512_shuffle_f32x4(quad[0], quad[1], _MM_SHUFFLE(3, 1, 3, 1)));
  const __m512 w = _mm512_shuffle_f32x4(z, z, _MM_SHUFFLE(3, 1, 2, 0));
  return _mm256_add_ps(_mm512_castps512_ps256(w), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(w), 1)));
}

}  // namespace
}  // namespace xc::avx512_attention
