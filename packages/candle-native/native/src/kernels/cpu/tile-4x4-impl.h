#pragma once

// 4 rows × 4 tokens prefill tiles (Q4_K × Q8_K, Q8_0/Q4_0/Q5_0 × Q8_0), included by
// tile-4x4-avx2.cc and tile-4x4-avx512.cc (and tile-avx2.cc for the Q4_K 4 × 2 tile): the same source built for AVX2 (16 ymm registers, some
// spills) and for AVX-512VL+VNNI (32 ymm registers hold all 16 accumulators; vpdpwssd/vpdpbusd
// fuse the multiply-adds). Include only from such files. Everything here has internal linkage so
// the two builds never share a copy.
#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/block-types.h"

namespace xc::tile_impl {
namespace {

// Lane r of the result = sum of the 8 int32 lanes of v[r].
inline __m128i reduce4(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i ab = _mm256_hadd_epi32(a, b);
  const __m256i cd = _mm256_hadd_epi32(c, d);
  const __m256i abcd = _mm256_hadd_epi32(ab, cd);
  return _mm_add_epi32(_mm256_castsi256_si128(abcd), _mm256_extracti128_si256(abcd, 1));
}

// The 12 packed scale bytes of a Q4_K block → out bytes 0..7 = scales, 8..15 = mins (all 6-bit),
// the same values as q4k_scale_min, four at a time.
inline void unpack_q4k_scales(const uint8_t* packed, uint32_t out[4]) {
  constexpr uint32_t k6 = 0x3f3f3f3f, k4 = 0x0f0f0f0f, k2 = 0x03030303;
  uint32_t u[3];
  std::memcpy(u, packed, 12);
  out[0] = u[0] & k6;
  out[1] = (u[2] & k4) | (((u[0] >> 6) & k2) << 4);
  out[2] = u[1] & k6;
  out[3] = ((u[2] >> 4) & k4) | (((u[1] >> 6) & k2) << 4);
}

// 4 rows × T tokens of Q4_K against Q8_K activations.
template <int T>
void q4k_tile(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride,
                         float* out, int64_t out_stride) {
  const int64_t blocks = n / kQK_K;
  const __m256i mask = _mm256_set1_epi8(0xF);
  const ActQ8K* y[T];
  for (int t = 0; t < T; t++) y[t] = reinterpret_cast<const ActQ8K*>(x + t * x_stride);
  __m128 acc[T];
  for (auto& a : acc) a = _mm_setzero_ps();
  for (int64_t i = 0; i < blocks; i++) {
    const BlockQ4K* b[4];
    uint32_t sm[4][4];  // per row: bytes 0..7 the eight 6-bit scales, bytes 8..15 the eight mins
    __m256i mv[4];      // per row: each min twice, as int16, against the 16 bsums
    alignas(16) int16_t sc[4][8];  // per row: the scales widened once, broadcast from memory below
    alignas(16) float d[4], dmin[4];
    for (int r = 0; r < 4; r++) {
      b[r] = reinterpret_cast<const BlockQ4K*>(w + r * w_stride) + i;
      unpack_q4k_scales(b[r]->scales, sm[r]);
      const __m128i m8 = _mm_cvtsi64_si128(static_cast<long long>(sm[r][2] | (static_cast<uint64_t>(sm[r][3]) << 32)));
      mv[r] = _mm256_cvtepu8_epi16(_mm_unpacklo_epi8(m8, m8));
      const __m128i s8 = _mm_cvtsi64_si128(static_cast<long long>(sm[r][0] | (static_cast<uint64_t>(sm[r][1]) << 32)));
      _mm_store_si128(reinterpret_cast<__m128i*>(sc[r]), _mm_cvtepu8_epi16(s8));
      d[r] = _cvtsh_ss(b[r]->d);
      dmin[r] = _cvtsh_ss(b[r]->dmin);
    }
    __m256i sumi[4][T];
    for (auto& row : sumi) for (auto& v : row) v = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
      __m256i y0[T], y1[T];
      for (int t = 0; t < T; t++) {
        y0[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[t][i].qs + 64 * j));
        y1[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[t][i].qs + 64 * j + 32));
      }
      for (int r = 0; r < 4; r++) {
        const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[r]->qs + 32 * j));
        const __m256i low = _mm256_and_si256(bits, mask);
        const __m256i high = _mm256_and_si256(_mm256_srli_epi16(bits, 4), mask);
        const __m256i s0 = _mm256_set1_epi16(sc[r][2 * j]);
        const __m256i s1 = _mm256_set1_epi16(sc[r][2 * j + 1]);
        for (int t = 0; t < T; t++) {
#if defined(__AVX512VNNI__)
          sumi[r][t] = _mm256_dpwssd_epi32(sumi[r][t], _mm256_maddubs_epi16(low, y0[t]), s0);
          sumi[r][t] = _mm256_dpwssd_epi32(sumi[r][t], _mm256_maddubs_epi16(high, y1[t]), s1);
#else
          const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(low, y0[t]), s0);
          const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(high, y1[t]), s1);
          sumi[r][t] = _mm256_add_epi32(sumi[r][t], _mm256_add_epi32(p0, p1));
#endif
        }
      }
    }
    const __m128 dv = _mm_load_ps(d);
    const __m128 dminv = _mm_load_ps(dmin);
    for (int t = 0; t < T; t++) {
      const __m256i bs = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[t][i].bsums));
      const __m128i q = reduce4(sumi[0][t], sumi[1][t], sumi[2][t], sumi[3][t]);
      const __m128i m = reduce4(_mm256_madd_epi16(mv[0], bs), _mm256_madd_epi16(mv[1], bs), _mm256_madd_epi16(mv[2], bs),
                                _mm256_madd_epi16(mv[3], bs));
      const __m128 v = _mm_sub_ps(_mm_mul_ps(dv, _mm_cvtepi32_ps(q)), _mm_mul_ps(dminv, _mm_cvtepi32_ps(m)));
      acc[t] = _mm_add_ps(acc[t], _mm_mul_ps(_mm_set1_ps(y[t][i].d), v));
    }
  }
  for (int t = 0; t < T; t++) _mm_storeu_ps(out + t * out_stride, acc[t]);
}

#if defined(__AVX512VNNI__)
// What the stored quants of a 32-element block are offset by (0: stored signed).
template <typename Block>
struct UnsignedQuants {
  static constexpr int kOffset = 0;
};
template <>
struct UnsignedQuants<BlockQ4_0> {
  static constexpr int kOffset = 8;
};
template <>
struct UnsignedQuants<BlockQ5_0> {
  static constexpr int kOffset = 16;
};
inline __m256i unsigned_quants(const BlockQ4_0& b) { return avx2::load_q4_nibbles(b.qs); }
inline __m256i unsigned_quants(const BlockQ5_0& b) {
  uint32_t qh;
  std::memcpy(&qh, b.qh, 4);  // bit k: fifth bit of element k, which sits in byte k of the nibbles
  return _mm256_or_si256(avx2::load_q4_nibbles(b.qs), _mm256_maskz_mov_epi8(qh, _mm256_set1_epi8(0x10)));
}
#endif

// 32-element blocks (Q8_0, Q4_0, Q5_0) against Q8_0 activations: each weight block is decoded once
// for four tokens, each activation block loaded once for four rows.
template <typename Block>
void block32_tile_4x4(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                      int64_t out_stride) {
  const int64_t blocks = n / kQK8_0;
  const ActQ8_0* y[4];
  for (int t = 0; t < 4; t++) y[t] = reinterpret_cast<const ActQ8_0*>(x + t * x_stride);
  __m256 acc[4][4];
  for (auto& row : acc) for (auto& v : row) v = _mm256_setzero_ps();
  for (int64_t i = 0; i < blocks; i++) {
    __m256i yq[4];
    __m256 dy[4];
#if defined(__AVX512VNNI__)
    constexpr int offset = UnsignedQuants<Block>::kOffset;
    __m256i ybias[4];  // 4-bit/5-bit weights: −offset·Σy, paid once per token, not per row
#endif
    for (int t = 0; t < 4; t++) {
      yq[t] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[t][i].qs));
#if defined(__AVX512VNNI__)
      if constexpr (offset == 0) {
        yq[t] = _mm256_xor_si256(yq[t], _mm256_set1_epi8(static_cast<char>(0x80)));  // y + 128, unsigned
      } else {
        ybias[t] = _mm256_sub_epi32(_mm256_setzero_si256(),
                                    _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(offset), yq[t]));
      }
#endif
      dy[t] = _mm256_set1_ps(y[t][i].d);
    }
    for (int r = 0; r < 4; r++) {
      const Block& block = reinterpret_cast<const Block*>(w + r * w_stride)[i];
      const __m256 dw = _mm256_set1_ps(avx2::half(block.d));
#if defined(__AVX512VNNI__)
      if constexpr (offset == 0) {
        // Σ(y+128)·q − 128·Σq = Σy·q exactly: the correction is paid once per row, not per token.
        const __m256i q = avx2::block_quants(block);
        const __m256i bias = _mm256_sub_epi32(_mm256_setzero_si256(),
                                              _mm256_dpbusd_epi32(_mm256_setzero_si256(), _mm256_set1_epi8(static_cast<char>(0x80)), q));
        for (int t = 0; t < 4; t++) {
          const __m256i p = _mm256_dpbusd_epi32(bias, yq[t], q);
          acc[r][t] = _mm256_fmadd_ps(_mm256_mul_ps(dw, dy[t]), _mm256_cvtepi32_ps(p), acc[r][t]);
        }
      } else {
        // Σ(q−offset)·y = Σq·y − offset·Σy with the unsigned quants as they are stored.
        const __m256i q = unsigned_quants(block);
        for (int t = 0; t < 4; t++) {
          const __m256i p = _mm256_dpbusd_epi32(ybias[t], q, yq[t]);
          acc[r][t] = _mm256_fmadd_ps(_mm256_mul_ps(dw, dy[t]), _mm256_cvtepi32_ps(p), acc[r][t]);
        }
      }
#else
      const __m256i q = avx2::block_quants(block);
      const __m256i aq = _mm256_sign_epi8(q, q);
      for (int t = 0; t < 4; t++) {
        const __m256i sy = _mm256_sign_epi8(yq[t], q);
        const __m256i p = _mm256_madd_epi16(_mm256_maddubs_epi16(aq, sy), _mm256_set1_epi16(1));
        acc[r][t] = _mm256_fmadd_ps(_mm256_mul_ps(dw, dy[t]), _mm256_cvtepi32_ps(p), acc[r][t]);
      }
#endif
    }
  }
  for (int t = 0; t < 4; t++) {
    for (int r = 0; r < 4; r++) out[t * out_stride + r] = avx2::hsum(acc[r][t]);
  }
}

}  // namespace
}  // namespace xc::tile_impl
