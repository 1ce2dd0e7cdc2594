#pragma once

// Inline helpers shared by the AVX2 kernel files; include only from files compiled with
// -mavx2 -mfma -mf16c (see CMakeLists.txt).
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/cpu/block-types.h"

namespace xc::avx2 {
// Internal linkage: the AVX-512 files include this too, and a shared inline copy compiled with
// AVX-512 could be the one the linker keeps for the AVX2 callers.
namespace {


inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float half(uint16_t h) { return _cvtsh_ss(h); }

// e^x, x clamped to [−87, 88]: 2^k · a polynomial in r = x − k·ln2, a few ulp from expf.
inline __m256 exp_ps(__m256 x) {
  x = _mm256_min_ps(_mm256_max_ps(x, _mm256_set1_ps(-87.0f)), _mm256_set1_ps(88.0f));
  const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

// Signed int8 × int8 → 8 int32 partial sums (maddubs needs one unsigned operand).
inline __m256i dot_i8(__m256i x, __m256i y) {
  const __m256i ax = _mm256_sign_epi8(x, x);
  const __m256i sy = _mm256_sign_epi8(y, x);
  return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), _mm256_set1_epi16(1));
}

inline __m256i load_q4_nibbles(const uint8_t* q) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  const __m128i low = _mm_and_si128(bytes, _mm_set1_epi8(0xF));
  const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), _mm_set1_epi8(0xF));
  return _mm256_set_m128i(high, low);
}

// The 32 quants of a 32-element weight block as signed bytes.
inline __m256i block_quants(const BlockQ8_0& b) { return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b.qs)); }
inline __m256i block_quants(const BlockQ4_0& b) { return _mm256_sub_epi8(load_q4_nibbles(b.qs), _mm256_set1_epi8(8)); }
// Byte k = 0x10 where bit k of `bits` is set, else 0 (a Q5_0 block's fifth bits, in place).
inline __m256i fifth_bits(uint32_t bits) {
  // byte k of the shuffle takes the byte of `bits` holding bit k; the OR mask leaves 0xFF only where set
  const __m256i spread = _mm256_setr_epi64x(0x0000000000000000, 0x0101010101010101, 0x0202020202020202,
                                            0x0303030303030303);
  const __m256i bytes = _mm256_or_si256(_mm256_shuffle_epi8(_mm256_set1_epi32(static_cast<int>(bits)), spread),
                                        _mm256_set1_epi64x(0x7fbfdfeff7fbfdfe));
  return _mm256_and_si256(_mm256_cmpeq_epi8(bytes, _mm256_set1_epi64x(-1)), _mm256_set1_epi8(0x10));
}

inline __m256i block_quants(const BlockQ5_0& b) {
  uint32_t qh;
  std::memcpy(&qh, b.qh, 4);
  return _mm256_sub_epi8(_mm256_or_si256(load_q4_nibbles(b.qs), fifth_bits(qh)), _mm256_set1_epi8(16));
}

// Rounds 8 floats to int32 (half to even), like lrintf in the scalar path.
inline __m256i round8(__m256 v) { return _mm256_cvtps_epi32(v); }

inline __m256i pack32(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i ab = _mm256_packs_epi32(a, b);
  const __m256i cd = _mm256_packs_epi32(c, d);
  const __m256i packed = _mm256_packs_epi16(ab, cd);
  return _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

inline float amax32(const float* v, int n) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 m = _mm256_setzero_ps();
  for (int j = 0; j < n; j += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(v + j)));
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline void quantize32(const float* v, float id, int8_t* out) {
  const __m256 m = _mm256_set1_ps(id);
  const __m256i q = pack32(round8(_mm256_mul_ps(_mm256_loadu_ps(v), m)), round8(_mm256_mul_ps(_mm256_loadu_ps(v + 8), m)),
                           round8(_mm256_mul_ps(_mm256_loadu_ps(v + 16), m)),
                           round8(_mm256_mul_ps(_mm256_loadu_ps(v + 24), m)));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), q);
}


}  // namespace
}  // namespace xc::avx2
