// AVX2 multi-row Q8_0 kernels: the prefill tile and the four-row decode kernel.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/block-types.h"

namespace xc::avx2 {

// A 4-row × 2-token tile of Q8_0 weights against Q8_0 activations, accumulators in registers:
// each weight block is loaded once for both tokens and each activation block once for four rows.
void tile_q8_0_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride) {
  const int64_t blocks = n / kQK8_0;
  __m256 acc[4][2];
  for (auto& row : acc) row[0] = row[1] = _mm256_setzero_ps();
  const auto* y0 = reinterpret_cast<const ActQ8_0*>(x);
  const auto* y1 = reinterpret_cast<const ActQ8_0*>(x + x_stride);
  for (int64_t i = 0; i < blocks; i++) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y0[i].qs));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y1[i].qs));
    const __m256 d0 = _mm256_set1_ps(y0[i].d);
    const __m256 d1 = _mm256_set1_ps(y1[i].d);
    for (int r = 0; r < 4; r++) {
      const auto* block = reinterpret_cast<const BlockQ8_0*>(w + r * w_stride) + i;
      const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block->qs));
      const __m256i ax = _mm256_sign_epi8(qa, qa);
      const __m256 dw = _mm256_set1_ps(half(block->d));
      const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(b0, qa)), _mm256_set1_epi16(1));
      const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(b1, qa)), _mm256_set1_epi16(1));
      acc[r][0] = _mm256_fmadd_ps(_mm256_mul_ps(dw, d0), _mm256_cvtepi32_ps(p0), acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(_mm256_mul_ps(dw, d1), _mm256_cvtepi32_ps(p1), acc[r][1]);
    }
  }
  for (int r = 0; r < 4; r++) {
    out[r] = hsum(acc[r][0]);
    out[out_stride + r] = hsum(acc[r][1]);
  }
}

// Four Q8_0 rows against one activation row (decode): four weight streams in flight at once, the
// activation block loaded once, and one combined horizontal reduction for the four sums.
void rows4_q8_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, float* out) {
  const int64_t blocks = n / kQK8_0;
  const auto* y = reinterpret_cast<const ActQ8_0*>(x);
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  for (int64_t i = 0; i < blocks; i++) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].qs));
    const float dy = y[i].d;
    for (int r = 0; r < 4; r++) {
      const auto* block = reinterpret_cast<const BlockQ8_0*>(w + r * w_stride) + i;
      const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block->qs));
      acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(half(block->d) * dy), _mm256_cvtepi32_ps(dot_i8(qa, b)), acc[r]);
    }
  }
  // transpose-and-add: lane r of the result is the sum of acc[r]
  const __m256 s01 = _mm256_hadd_ps(acc[0], acc[1]);
  const __m256 s23 = _mm256_hadd_ps(acc[2], acc[3]);
  const __m256 s = _mm256_hadd_ps(s01, s23);
  _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1)));
}

}  // namespace xc::avx2

#endif
