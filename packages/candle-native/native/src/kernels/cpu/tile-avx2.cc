// AVX2 prefill tiles (Q8_0, Q4_0, Q5_0, Q4_K). Decode keeps one row per
// dot product: the rows of a matrix are one contiguous stream the hardware prefetcher follows,
// while four rows read side by side measured 3x slower (short streams the prefetcher cannot learn).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/tile-4x4-impl.h"

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

}  // namespace

// Q4_K: the same source as the 4×4 tile, two tokens at a time.
void tile_q4_k_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride) {
  tile_impl::q4k_tile<2>(n, w, w_stride, x, x_stride, out, out_stride);
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
