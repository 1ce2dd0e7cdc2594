#pragma once

// Horizontal sums of 512-bit float accumulators into tile outputs, shared by the AVX-512 int8 tiles
// (interleaved-avx512.cc, interleaved-kquant-avx512.cc). Include only from files built for AVX-512F.
#include <immintrin.h>

#include <cstdint>

namespace xc::avx512 {

// Sums of four 16-lane vectors, as four floats in order.
inline __m128 sum4(__m512 a, __m512 b, __m512 c, __m512 d) {
  const auto fold = [](__m512 v) {
    return _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  };
  const __m256 ab = _mm256_hadd_ps(fold(a), fold(b));  // per 128-bit half: a a b b
  const __m256 cd = _mm256_hadd_ps(fold(c), fold(d));
  const __m256 abcd = _mm256_hadd_ps(ab, cd);  // per half: a b c d
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

// out[t·os + r] = Σ lanes of acc[r][t].
template <int R, int T>
inline void store_sums(const __m512 (&acc)[R][T], float* out, int64_t os) {
#pragma GCC unroll 16
  for (int t = 0; t < T; t++) {
    int r = 0;
    for (; r + 4 <= R; r += 4) _mm_storeu_ps(out + t * os + r, sum4(acc[r][t], acc[r + 1][t], acc[r + 2][t], acc[r + 3][t]));
    for (; r < R; r++) out[t * os + r] = _mm512_reduce_add_ps(acc[r][t]);
  }
}

// Four accumulators of token pairs (lanes 0..7 token a, 8..15 token b): each one's two half sums, rows in order.
inline void sum4_pairs(__m512 a0, __m512 a1, __m512 a2, __m512 a3, float* out_a, float* out_b) {
  const auto hadd = [](__m512 x, __m512 y) {  // per 128-bit lane: x0+x1 x2+x3 y0+y1 y2+y3
    return _mm512_add_ps(_mm512_shuffle_ps(x, y, 0x88), _mm512_shuffle_ps(x, y, 0xDD));
  };
  const __m512 sums = hadd(hadd(a0, a1), hadd(a2, a3));  // per 128-bit lane: a0 a1 a2 a3
  _mm_storeu_ps(out_a, _mm_add_ps(_mm512_castps512_ps128(sums), _mm512_extractf32x4_ps(sums, 1)));
  _mm_storeu_ps(out_b, _mm_add_ps(_mm512_extractf32x4_ps(sums, 2), _mm512_extractf32x4_ps(sums, 3)));
}

}  // namespace xc::avx512
