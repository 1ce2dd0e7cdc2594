// The 4×4 prefill tiles built with AVX-512VL + VNNI: the quantized ones are the AVX2 source, with 32
// vector registers keeping the 16 accumulators out of memory and vpdpwssd/vpdpbusd fusing the
// multiply-adds; the 16-bit float one is 512-bit throughout.
// Runs only when cpuid reports AVX-512F/BW/VL/VNNI.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include "kernels/cpu/tile-4x4-impl.h"

#include "kernels/cpu/avx512-gcc-warnings.h"

namespace xc::avx512 {
namespace {

// 16-bit float weights widened sixteen at a time into a zmm register; `mask` selects the elements
// that exist (the rest read as zero, without touching memory past them), so the ragged tail runs the
// same loop body.
struct F16Weights16 {
  static __m512 widen16(const uint16_t* w, __mmask16 mask) { return _mm512_cvtph_ps(_mm256_maskz_loadu_epi16(mask, w)); }
};
struct BF16Weights16 {
  static __m512 widen16(const uint16_t* w, __mmask16 mask) {
    const __m512i wide = _mm512_cvtepu16_epi32(_mm256_maskz_loadu_epi16(mask, w));
    return _mm512_castsi512_ps(_mm512_slli_epi32(wide, 16));
  }
};

// Lane r of the result = sum of the 16 lanes of v[r].
inline __m128 reduce4_ps(__m512 a, __m512 b, __m512 c, __m512 d) {
  const auto half = [](__m512 v) {
    return _mm256_add_ps(_mm512_castps512_ps256(v), _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
  };
  const __m256 ab = _mm256_hadd_ps(half(a), half(b));
  const __m256 cd = _mm256_hadd_ps(half(c), half(d));
  const __m256 abcd = _mm256_hadd_ps(ab, cd);
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

// 4 rows × 4 tokens of 16-bit float weights against f32 activations with 512-bit FMAs: each 16
// weights are widened once for four tokens; the 16 accumulators and 4 activation vectors fit the
// 32 zmm registers.
template <typename Weights>
void half_tile_4x4_512(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                       int64_t out_stride) {
  const float* xt[4];
  const uint16_t* wr[4];
  for (int t = 0; t < 4; t++) xt[t] = reinterpret_cast<const float*>(x + t * x_stride);
  for (int r = 0; r < 4; r++) wr[r] = reinterpret_cast<const uint16_t*>(w + r * w_stride);
  __m512 acc[4][4];
  for (auto& row : acc) for (auto& v : row) v = _mm512_setzero_ps();
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 mask = i + 16 <= n ? 0xFFFF : static_cast<__mmask16>((1u << (n - i)) - 1);
    __m512 xv[4];
    for (int t = 0; t < 4; t++) xv[t] = _mm512_maskz_loadu_ps(mask, xt[t] + i);
    for (int r = 0; r < 4; r++) {
      const __m512 wv = Weights::widen16(wr[r] + i, mask);
      for (int t = 0; t < 4; t++) acc[r][t] = _mm512_fmadd_ps(wv, xv[t], acc[r][t]);
    }
  }
  // Written out: a loop over t would index acc with a variable and keep it in memory.
  _mm_storeu_ps(out, reduce4_ps(acc[0][0], acc[1][0], acc[2][0], acc[3][0]));
  _mm_storeu_ps(out + out_stride, reduce4_ps(acc[0][1], acc[1][1], acc[2][1], acc[3][1]));
  _mm_storeu_ps(out + 2 * out_stride, reduce4_ps(acc[0][2], acc[1][2], acc[2][2], acc[3][2]));
  _mm_storeu_ps(out + 3 * out_stride, reduce4_ps(acc[0][3], acc[1][3], acc[2][3], acc[3][3]));
}

// 4 rows × 1 token (decode), the same weights: one row after the other (reading the four rows in
// lockstep measured 1.7× slower from memory: the hardware prefetcher follows one stream better), each
// in 4 independent FMA chains of 16 lanes, where dot_f16_f32's 2 chains of 8 lanes could not keep up
// with the weights streaming in.
template <typename Weights>
__m512 half_row_dot_512(int64_t n, const uint16_t* w, const float* x) {
  __m512 a0 = _mm512_setzero_ps(), a1 = a0, a2 = a0, a3 = a0;
  int64_t i = 0;
  for (; i + 64 <= n; i += 64) {
    a0 = _mm512_fmadd_ps(Weights::widen16(w + i, 0xFFFF), _mm512_loadu_ps(x + i), a0);
    a1 = _mm512_fmadd_ps(Weights::widen16(w + i + 16, 0xFFFF), _mm512_loadu_ps(x + i + 16), a1);
    a2 = _mm512_fmadd_ps(Weights::widen16(w + i + 32, 0xFFFF), _mm512_loadu_ps(x + i + 32), a2);
    a3 = _mm512_fmadd_ps(Weights::widen16(w + i + 48, 0xFFFF), _mm512_loadu_ps(x + i + 48), a3);
  }
  for (; i < n; i += 16) {
    const __mmask16 mask = i + 16 <= n ? 0xFFFF : static_cast<__mmask16>((1u << (n - i)) - 1);
    a0 = _mm512_fmadd_ps(Weights::widen16(w + i, mask), _mm512_maskz_loadu_ps(mask, x + i), a0);
  }
  return _mm512_add_ps(_mm512_add_ps(a0, a1), _mm512_add_ps(a2, a3));
}

template <typename Weights>
void half_tile_4x1_512(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t, float* out, int64_t) {
  const float* xt = reinterpret_cast<const float*>(x);
  __m512 sums[4];
  for (int r = 0; r < 4; r++) sums[r] = half_row_dot_512<Weights>(n, reinterpret_cast<const uint16_t*>(w + r * w_stride), xt);
  _mm_storeu_ps(out, reduce4_ps(sums[0], sums[1], sums[2], sums[3]));
}

}  // namespace

void tile_f16_4x1(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  half_tile_4x1_512<F16Weights16>(n, w, ws, x, xs, out, os);
}
void tile_bf16_4x1(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  half_tile_4x1_512<BF16Weights16>(n, w, ws, x, xs, out, os);
}
void tile_q4_k_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::q4k_tile<4>(n, w, ws, x, xs, out, os);
}
void tile_q8_0_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::block32_tile_4x4<BlockQ8_0>(n, w, ws, x, xs, out, os);
}
void tile_q4_0_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::block32_tile_4x4<BlockQ4_0>(n, w, ws, x, xs, out, os);
}
void tile_q5_0_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::block32_tile_4x4<BlockQ5_0>(n, w, ws, x, xs, out, os);
}
void tile_f16_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  half_tile_4x4_512<F16Weights16>(n, w, ws, x, xs, out, os);
}
void tile_bf16_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  half_tile_4x4_512<BF16Weights16>(n, w, ws, x, xs, out, os);
}
}  // namespace xc::avx512
#endif

namespace xc {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
bool add_avx512_tiles(KernelTable& t) {
  t.traits(GgmlType::Q8_0).ggml.tile_4x4 = avx512::tile_q8_0_4x4;
  t.traits(GgmlType::Q4_0).ggml.tile_4x4 = avx512::tile_q4_0_4x4;
  t.traits(GgmlType::Q5_0).ggml.tile_4x4 = avx512::tile_q5_0_4x4;
  t.traits(GgmlType::Q4_K).ggml.tile_4x4 = avx512::tile_q4_k_4x4;
  t.traits(GgmlType::F16).ggml.tile_4x4 = avx512::tile_f16_4x4;
  t.traits(GgmlType::BF16).ggml.tile_4x4 = avx512::tile_bf16_4x4;
  t.traits(GgmlType::F16).ggml.tile_4x1 = avx512::tile_f16_4x1;
  t.traits(GgmlType::BF16).ggml.tile_4x1 = avx512::tile_bf16_4x1;
  return true;
}
#else
bool add_avx512_tiles(KernelTable&) { return false; }
#endif
}  // namespace xc
