// AVX2 prefill tiles (Q8_0, Q4_0, Q5_0, Q4_K). Decode keeps one row per
// dot product: the rows of a matrix are one contiguous stream the hardware prefetcher follows,
// while four rows read side by side measured 3x slower (short streams the prefetcher cannot learn).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/block-types.h"

namespace xc::avx2 {

namespace {

// A 4-row × 2-token tile of weights against Q8_0 activations, accumulators in registers: each
// weight block is decoded once for both tokens and each activation block loaded once for four rows.
template <typename Block>
void tile_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
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
      const auto* block = reinterpret_cast<const Block*>(w + r * w_stride) + i;
      const __m256i qa = block_quants(*block);
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

inline int hsum_i32(__m256i v) {
  __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4E));
  s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xB1));
  return _mm_cvtsi128_si32(s);
}

}  // namespace

// Q4_K weights against Q8_K activations, 4 rows × 2 tokens: integer sums per super-block (exact),
// scaled once per super-block; the minimums go through the activations' 16-element sums.
void tile_q4_k_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride) {
  const int64_t blocks = n / kQK_K;
  const __m256i mask = _mm256_set1_epi8(0xF);
  const ActQ8K* y[2] = {reinterpret_cast<const ActQ8K*>(x), reinterpret_cast<const ActQ8K*>(x + x_stride)};
  float acc[4][2] = {};
  for (int64_t i = 0; i < blocks; i++) {
    uint8_t sc[4][8], m[4][8];
    const BlockQ4K* b[4];
    for (int r = 0; r < 4; r++) {
      b[r] = reinterpret_cast<const BlockQ4K*>(w + r * w_stride) + i;
      for (int j = 0; j < 8; j++) q4k_scale_min(j, b[r]->scales, &sc[r][j], &m[r][j]);
    }
    __m256i sumi[4][2];
    for (auto& row : sumi) row[0] = row[1] = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
      __m256i y0[2], y1[2];
      for (int t = 0; t < 2; t++) {
        y0[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[t][i].qs + 64 * j));
        y1[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[t][i].qs + 64 * j + 32));
      }
      for (int r = 0; r < 4; r++) {
        const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[r]->qs + 32 * j));
        const __m256i low = _mm256_and_si256(bits, mask);
        const __m256i high = _mm256_and_si256(_mm256_srli_epi16(bits, 4), mask);
        const __m256i s0 = _mm256_set1_epi16(sc[r][2 * j]);
        const __m256i s1 = _mm256_set1_epi16(sc[r][2 * j + 1]);
        for (int t = 0; t < 2; t++) {
          const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(low, y0[t]), s0);
          const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(high, y1[t]), s1);
          sumi[r][t] = _mm256_add_epi32(sumi[r][t], _mm256_add_epi32(p0, p1));
        }
      }
    }
    for (int r = 0; r < 4; r++) {
      const float d = half(b[r]->d), dmin = half(b[r]->dmin);
      for (int t = 0; t < 2; t++) {
        int summ = 0;
        for (int j = 0; j < 8; j++) summ += m[r][j] * (y[t][i].bsums[2 * j] + y[t][i].bsums[2 * j + 1]);
        acc[r][t] += y[t][i].d * (d * static_cast<float>(hsum_i32(sumi[r][t])) - dmin * static_cast<float>(summ));
      }
    }
  }
  for (int r = 0; r < 4; r++) {
    out[r] = acc[r][0];
    out[out_stride + r] = acc[r][1];
  }
}

void tile_q8_0_4x2(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_4x2<BlockQ8_0>(n, w, ws, x, xs, out, os);
}
void tile_q4_0_4x2(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_4x2<BlockQ4_0>(n, w, ws, x, xs, out, os);
}
void tile_q5_0_4x2(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_4x2<BlockQ5_0>(n, w, ws, x, xs, out, os);
}

}  // namespace xc::avx2

#endif
