// Q4_K's Rows16 layout (interleave-rows16-q4k.h) on AVX-512 VNNI. A 512-bit weight vector holds 4 elements
// of 16 rows, so each vpdpbusd multiplies them by one token's 4 activation bytes broadcast to every lane,
// and the outputs leave as whole vectors with no horizontal sums. Per 256-element block and (row group,
// token) pair: 8 sub-blocks of 8 vpdpbusd, each sub-block's sum times its six-bit scale in integer
// (exact: |Σ| < 2^31), the mins against the token's sub-block sums in 8 vpdpwssd, and one float update.
//
// The six-bit scales and mins are unpacked per block into int32 vectors (Head): in prefill once per chunk
// of row groups into a buffer the token tiles share, in decode inline as the rows stream past.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include <immintrin.h>

// GCC 12's AVX-512 headers start masked conversions from _mm512_undefined_*() and then warn about it
// wherever they are inlined (GCC bug 105593).
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#endif

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <vector>

#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-rows16-q4k.h"

#define XC_UNROLL _Pragma("GCC unroll 16")

namespace xc::avx512_rows16_q4k {

namespace {

constexpr int kGroupRows = 16;
constexpr int64_t kBlockBytes = sizeof(BlockQ4Kx16);

// One group block's header, unpacked: lane i of every vector is row i.
struct alignas(64) Head {
  float d[16];
  float dmin[16];
  int32_t scale[8][16];
  int32_t min[8][16];  // m | m << 16: one vpdpwssd takes m·(the sub-block's two 16-element sums)
};

inline int32_t word(const void* p) {
  int32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

inline void store_widened(int32_t* out, __m128i bytes, bool pair) {
  __m512i v = _mm512_cvtepu8_epi32(bytes);
  if (pair) v = _mm512_or_si512(v, _mm512_slli_epi32(v, 16));
  _mm512_store_si512(out, v);
}

// ggml's get_scale_min_k4 on 16 rows at once: 128-bit lane j of A, B, C holds byte j, 4 + j, 8 + j of the
// 16 rows' packed scales.
inline void expand(const uint8_t* block, Head& h) {
  _mm512_store_ps(h.d, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + offsetof(BlockQ4Kx16, d)))));
  _mm512_store_ps(h.dmin, _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + offsetof(BlockQ4Kx16, dmin)))));
  const uint8_t* packed = block + offsetof(BlockQ4Kx16, scales);
  const __m512i a = _mm512_loadu_si512(packed), b = _mm512_loadu_si512(packed + 64), c = _mm512_loadu_si512(packed + 128);
  const __m512i low6 = _mm512_set1_epi8(0x3f), low4 = _mm512_set1_epi8(0x0f), top2 = _mm512_set1_epi8(0x30);
  const __m512i scales03 = _mm512_and_si512(a, low6);
  const __m512i mins03 = _mm512_and_si512(b, low6);
  const __m512i scales47 = _mm512_or_si512(_mm512_and_si512(c, low4), _mm512_and_si512(_mm512_srli_epi16(a, 2), top2));
  const __m512i mins47 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(c, 4), low4), _mm512_and_si512(_mm512_srli_epi16(b, 2), top2));
  store_widened(h.scale[0], _mm512_castsi512_si128(scales03), false);
  store_widened(h.scale[1], _mm512_extracti32x4_epi32(scales03, 1), false);
  store_widened(h.scale[2], _mm512_extracti32x4_epi32(scales03, 2), false);
  store_widened(h.scale[3], _mm512_extracti32x4_epi32(scales03, 3), false);
  store_widened(h.scale[4], _mm512_castsi512_si128(scales47), false);
  store_widened(h.scale[5], _mm512_extracti32x4_epi32(scales47, 1), false);
  store_widened(h.scale[6], _mm512_extracti32x4_epi32(scales47, 2), false);
  store_widened(h.scale[7], _mm512_extracti32x4_epi32(scales47, 3), false);
  store_widened(h.min[0], _mm512_castsi512_si128(mins03), true);
  store_widened(h.min[1], _mm512_extracti32x4_epi32(mins03, 1), true);
  store_widened(h.min[2], _mm512_extracti32x4_epi32(mins03, 2), true);
  store_widened(h.min[3], _mm512_extracti32x4_epi32(mins03, 3), true);
  store_widened(h.min[4], _mm512_castsi512_si128(mins47), true);
  store_widened(h.min[5], _mm512_extracti32x4_epi32(mins47, 1), true);
  store_widened(h.min[6], _mm512_extracti32x4_epi32(mins47, 2), true);
  store_widened(h.min[7], _mm512_extracti32x4_epi32(mins47, 3), true);
}

// out[t·os + 16g + i] for G groups of 16 rows (gs bytes apart) × T tokens (xs bytes apart). heads: the
// groups' unpacked headers, hs apart per group. Each pair sums a sub-block in C chains of 8 / C vpdpbusd,
// so few tokens still hide the multiply-add latency.
// Stream: a decode batch's rows come from memory, so the tile asks for the blocks a few ahead and unpacks
// their headers itself (heads unused).
template <int G, int T, int C, bool Stream>
void tile(int64_t blocks, const uint8_t* w, int64_t gs, const Head* heads, int64_t hs, const uint8_t* x, int64_t xs, float* out,
          int64_t os) {
  constexpr int64_t kBlocksAhead = 2;
  constexpr int64_t kLines = kBlockBytes / 64;
  const __m512i low4 = _mm512_set1_epi8(0xF);
  __m512 acc[G][T];
  XC_UNROLL
  for (auto& row : acc) for (auto& a : row) a = _mm512_setzero_ps();
  for (int64_t b = 0; b < blocks; b++) {
    const ActQ8K* y[T];
    XC_UNROLL
    for (int t = 0; t < T; t++) y[t] = reinterpret_cast<const ActQ8K*>(x + t * xs) + b;
    const uint8_t* block[G];
    XC_UNROLL
    for (int g = 0; g < G; g++) block[g] = w + g * gs + b * kBlockBytes;
    if constexpr (Stream) {
      if (b + kBlocksAhead < blocks) {
        for (int g = 0; g < G; g++) {
          for (int64_t line = 0; line < kLines; line++) {
            _mm_prefetch(reinterpret_cast<const char*>(block[g] + kBlocksAhead * kBlockBytes + 64 * line), _MM_HINT_T0);
          }
        }
      }
    }
    Head local[Stream ? G : 1];
    const Head* h[G];
    XC_UNROLL
    for (int g = 0; g < G; g++) {
      if constexpr (Stream) {
        expand(block[g], local[g]);
        h[g] = &local[g];
      } else {
        h[g] = heads + g * hs + b;
      }
    }
    // The mins: Σ_k m_k·(the token's sums of sub-block k), taken off in float at once.
    {
      __m512i m[G][T];
      XC_UNROLL
      for (int g = 0; g < G; g++) {
        XC_UNROLL
        for (int t = 0; t < T; t++) m[g][t] = _mm512_setzero_si512();
      }
      XC_UNROLL
      for (int k = 0; k < 8; k++) {
        XC_UNROLL
        for (int g = 0; g < G; g++) {
          const __m512i mins = _mm512_load_si512(h[g]->min[k]);
          XC_UNROLL
          for (int t = 0; t < T; t++) m[g][t] = _mm512_dpwssd_epi32(m[g][t], mins, _mm512_set1_epi32(word(y[t]->bsums + 2 * k)));
        }
      }
      XC_UNROLL
      for (int g = 0; g < G; g++) {
        const __m512 dmin = _mm512_load_ps(h[g]->dmin);
        XC_UNROLL
        for (int t = 0; t < T; t++) {
          acc[g][t] = _mm512_fnmadd_ps(_mm512_cvtepi32_ps(m[g][t]), _mm512_mul_ps(dmin, _mm512_set1_ps(y[t]->d)), acc[g][t]);
        }
      }
    }
    __m512i s[G][T];
    XC_UNROLL
    for (int k = 0; k < 8; k++) {
      __m512i p[C][G][T];
      XC_UNROLL
      for (int c = 0; c < C; c++) {
        XC_UNROLL
        for (int g = 0; g < G; g++) {
          XC_UNROLL
          for (int t = 0; t < T; t++) p[c][g][t] = _mm512_setzero_si512();
        }
      }
      XC_UNROLL
      for (int v = 0; v < 8; v++) {
        XC_UNROLL
        for (int g = 0; g < G; g++) {
          const __m512i bits = _mm512_loadu_si512(block[g] + offsetof(BlockQ4Kx16, qs) + 512 * (k / 2) + 64 * v);
          const __m512i q = _mm512_and_si512(k % 2 == 0 ? bits : _mm512_srli_epi16(bits, 4), low4);
          XC_UNROLL
          for (int t = 0; t < T; t++) {
            p[v % C][g][t] = _mm512_dpbusd_epi32(p[v % C][g][t], q, _mm512_set1_epi32(word(y[t]->qs + 32 * k + 4 * v)));
          }
        }
      }
      XC_UNROLL
      for (int g = 0; g < G; g++) {
        const __m512i scale = _mm512_load_si512(h[g]->scale[k]);
        XC_UNROLL
        for (int t = 0; t < T; t++) {
          __m512i sum = p[0][g][t];
          XC_UNROLL
          for (int c = 1; c < C; c++) sum = _mm512_add_epi32(sum, p[c][g][t]);
          const __m512i scaled = _mm512_mullo_epi32(sum, scale);
          s[g][t] = k == 0 ? scaled : _mm512_add_epi32(s[g][t], scaled);
        }
      }
    }
    XC_UNROLL
    for (int g = 0; g < G; g++) {
      const __m512 d = _mm512_load_ps(h[g]->d);
      XC_UNROLL
      for (int t = 0; t < T; t++) {
        acc[g][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(s[g][t]), _mm512_mul_ps(d, _mm512_set1_ps(y[t]->d)), acc[g][t]);
      }
    }
  }
  XC_UNROLL
  for (int g = 0; g < G; g++) {
    XC_UNROLL
    for (int t = 0; t < T; t++) _mm512_storeu_ps(out + t * os + kGroupRows * g, acc[g][t]);
  }
}

// All `groups` row groups against T tokens: the widest tile that fits the registers, then narrower ones.
template <int T, bool Stream>
void tokens_over_groups(int64_t blocks, const uint8_t* w, int64_t gs, int64_t groups, const Head* heads, const uint8_t* x,
                        int64_t xs, float* out, int64_t os) {
  constexpr int C = T == 1 ? 2 : 1;
  constexpr int kWide = T <= 2 ? 4 : 2;
  const auto at = [&](int64_t g) { return heads == nullptr ? nullptr : heads + g * blocks; };
  int64_t g = 0;
  for (; g + kWide <= groups; g += kWide) tile<kWide, T, C, Stream>(blocks, w + g * gs, gs, at(g), blocks, x, xs, out + g * kGroupRows, os);
  if constexpr (kWide == 4) {
    if (g + 2 <= groups) tile<2, T, C, Stream>(blocks, w + g * gs, gs, at(g), blocks, x, xs, out + g * kGroupRows, os), g += 2;
  }
  if (g < groups) tile<1, T, C, Stream>(blocks, w + g * gs, gs, at(g), blocks, x, xs, out + g * kGroupRows, os);
}

// Inside a chunk of row groups, tokens outer and row groups inner: a tile's activations stay in L1 while
// the chunk's rows pass under them from L2. Tokens go four at a time, the rest split evenly.
template <bool Stream>
void chunk(int64_t blocks, const uint8_t* w, int64_t gs, int64_t groups, const Head* heads, const uint8_t* x, int64_t xs,
           float* out, int64_t os, int64_t tokens) {
  for (int64_t t = 0; t < tokens;) {
    const int64_t rest = tokens - t;
    const int64_t count = rest >= 8 || rest == 4 ? 4 : rest > 4 ? (rest + 1) / 2 : rest;
    const uint8_t* xt = x + t * xs;
    float* ot = out + t * os;
    switch (count) {
      case 1: tokens_over_groups<1, Stream>(blocks, w, gs, groups, heads, xt, xs, ot, os); break;
      case 2: tokens_over_groups<2, Stream>(blocks, w, gs, groups, heads, xt, xs, ot, os); break;
      case 3: tokens_over_groups<3, Stream>(blocks, w, gs, groups, heads, xt, xs, ot, os); break;
      default: tokens_over_groups<4, Stream>(blocks, w, gs, groups, heads, xt, xs, ot, os); break;
    }
    t += count;
  }
}

constexpr int64_t kChunkBytes = 192 * 1024;
constexpr int64_t kDecodeTokens = 16;

void rows16_q4k(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os, int64_t rows,
                int64_t tokens) {
  const int64_t blocks = n / kQK_K;
  const int64_t gs = kGroupRows * ws;
  const int64_t groups = rows / kGroupRows;
  if (tokens <= kDecodeTokens) {
    // A decode batch reads its weights from memory once: 4 groups at a time, headers unpacked as they pass.
    const int64_t step = tokens == 1 ? groups : 4;
    for (int64_t g = 0; g < groups; g += step) {
      chunk<true>(blocks, w + g * gs, gs, std::min(step, groups - g), nullptr, x, xs, out + g * kGroupRows, os, tokens);
    }
    return;
  }
  thread_local std::vector<Head> heads;
  const int64_t step = std::max<int64_t>(4, kChunkBytes / gs / 4 * 4);
  for (int64_t g = 0; g < groups; g += step) {
    const int64_t count = std::min(step, groups - g);
    if (heads.size() < static_cast<size_t>(count * blocks)) heads.resize(static_cast<size_t>(count * blocks));
    for (int64_t i = 0; i < count; i++) {
      for (int64_t b = 0; b < blocks; b++) expand(w + (g + i) * gs + b * kBlockBytes, heads[static_cast<size_t>(i * blocks + b)]);
    }
    chunk<false>(blocks, w + g * gs, gs, count, heads.data(), x, xs, out + g * kGroupRows, os, tokens);
  }
}

}  // namespace

}  // namespace xc::avx512_rows16_q4k

namespace xc {
bool add_avx512_rows16_q4k(KernelTable& t) {
  t.traits(GgmlType::Q4_K).rows16.rows = avx512_rows16_q4k::rows16_q4k;
  t.traits(GgmlType::Q4_K).prefer_rows16 = true;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_rows16_q4k(KernelTable&) { return false; }
}  // namespace xc

#endif
