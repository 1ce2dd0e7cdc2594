// Q4_K's Rows16 layout (interleave-rows16-q4k.h) on AVX-512 VNNI. A 512-bit weight vector holds 4 elements
// of 16 rows, so each vpdpbusd multiplies them by one token's 4 activation bytes broadcast to every lane,
// and the outputs leave as whole vectors with no horizontal sums. Per 256-element block and (row group,
// token) pair: 8 sub-blocks of 8 vpdpbusd, each sub-block's sum times its six-bit scale in integer
// (exact: |Σ| < 2^31), the mins against the token's sub-block sums (int16 pairs, made once per call) in
// 4 vpdpwssd, and one float update.
//
// What bounds the multi-token tiles on Zen 4: vpmulld, vpdpwssd and the float multiplies and FMAs take the
// same pipes as vpdpbusd, about one vpdpbusd slot each, so a (group, token) pair's 64 vpdpbusd per block
// come with 16 more (8 vpmulld, 4 vpdpwssd, 2 vmulps, 2 FMAs): at most 80% of the int8 peak. The unpack
// (vpandd), the broadcasts and the loads run beside them: a loop of the 2 × 4 sub-block alone measured
// 208 GMAC/s with its vpmulld and 236 without (one core's peak 232), and without the vpandd 209.
//
// The six-bit scales and mins are unpacked per block into int32 vectors (Head, 896 bytes per 16 rows ×
// 256 elements, on the side: the layout keeps ggml's size): with several tokens once per chunk of row
// groups into a buffer the token tiles share, for a single token inline as the rows stream past.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include <immintrin.h>

#include "kernels/cpu/avx512-gcc-warnings.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <utility>
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
  int32_t scale[8][16];  // even sub-blocks' × 16: they meet the low nibbles, the odd ones the high nibbles in place (16q)
  int32_t min[4][16];  // m_2j | m_2j+1 << 16: one vpdpwssd against the token's sums of sub-blocks 2j, 2j + 1
};

// f(std::integral_constant<int, i>()) for i = 0 … N − 1, so f can use i as a constant.
template <int N, typename F, int... I>
inline void each_index(F&& f, std::integer_sequence<int, I...>) {
  (f(std::integral_constant<int, I>()), ...);
}
template <int N, typename F>
inline void each_index(F&& f) {
  each_index<N>(f, std::make_integer_sequence<int, N>());
}

inline int32_t word(const void* p) {
  int32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

inline __m512i widen(__m512i bytes, int lane) {
  switch (lane) {
    case 0: return _mm512_cvtepu8_epi32(_mm512_castsi512_si128(bytes));
    case 1: return _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(bytes, 1));
    case 2: return _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(bytes, 2));
    default: return _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(bytes, 3));
  }
}

// Sums of 16 × q (the high nibbles masked in place, no shift) times the scale, or of q times 16 × the scale:
// 16 × S either way, exact (|16 S| < 2^29), and cvt(S) = cvt(16 S >> 4).
inline __m512i sixteen_if_even(__m512i scale, int k) { return k % 2 == 0 ? _mm512_slli_epi32(scale, 4) : scale; }

// ggml's get_scale_min_k4 on 16 rows at once: 128-bit lane j of a, b, c holds byte j, 4 + j, 8 + j of the
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
  for (int k = 0; k < 4; k++) {
    _mm512_store_si512(h.scale[k], sixteen_if_even(widen(scales03, k), k));
    _mm512_store_si512(h.scale[4 + k], sixteen_if_even(widen(scales47, k), k));
  }
  for (int j = 0; j < 2; j++) {
    _mm512_store_si512(h.min[j], _mm512_or_si512(widen(mins03, 2 * j), _mm512_slli_epi32(widen(mins03, 2 * j + 1), 16)));
    _mm512_store_si512(h.min[2 + j], _mm512_or_si512(widen(mins47, 2 * j), _mm512_slli_epi32(widen(mins47, 2 * j + 1), 16)));
  }
}

// Per token and block, 4 words: the token's sums of sub-blocks 2j and 2j + 1 as two int16 (|Σ| ≤ 32·128):
// bsums' 16-element sums added in pairs, narrowed, stored as 16 bytes.
void sub_block_sums(const uint8_t* x, int64_t xs, int64_t tokens, int64_t blocks, int32_t* out) {
  const __m256i ones = _mm256_set1_epi16(1);
  for (int64_t t = 0; t < tokens; t++) {
    const auto* y = reinterpret_cast<const ActQ8K*>(x + t * xs);
    for (int64_t b = 0; b < blocks; b++) {
      const __m256i halves = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].bsums));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + (t * blocks + b) * 4), _mm256_cvtepi32_epi16(_mm256_madd_epi16(halves, ones)));
    }
  }
}

// The 2 groups × 4 tokens tile's sub-blocks in asm: GCC's own allocation of the 8 sums, 8 totals, 8
// accumulators, 2 weight vectors and 4 broadcasts spilled ≈ 100 vectors per block and moved pointers
// through xmm registers. Alone (rows16_q4k on 64 rows × 2048 × 252 tokens, 1 thread, best of 1000 calls,
// alternating): 174–180 → 183–190 GMAC/s, near the 80% above.
// zmm16–23: the sub-block's sums of (group, token) 00 01 02 03 10 11 12 13; zmm24–25: the groups' nibbles
// (then scales); zmm26–27: two tokens' broadcast bytes.
#define XC_Q4K_STEP(V)                                                \
  "vpandd %c[wo]+" #V "*64(%[w0]), %[mask], %%zmm24\n\t"              \
  "vpandd %c[wo]+" #V "*64(%[w1]), %[mask], %%zmm25\n\t"              \
  "vpbroadcastd %c[yo]+" #V "*4(%[y0]), %%zmm26\n\t"                  \
  "vpbroadcastd %c[yo]+" #V "*4(%[y1]), %%zmm27\n\t"                  \
  "vpdpbusd %%zmm26, %%zmm24, %%zmm16\n\t"                            \
  "vpdpbusd %%zmm27, %%zmm24, %%zmm17\n\t"                            \
  "vpdpbusd %%zmm26, %%zmm25, %%zmm20\n\t"                            \
  "vpdpbusd %%zmm27, %%zmm25, %%zmm21\n\t"                            \
  "vpbroadcastd %c[yo]+" #V "*4(%[y2]), %%zmm26\n\t"                  \
  "vpbroadcastd %c[yo]+" #V "*4(%[y3]), %%zmm27\n\t"                  \
  "vpdpbusd %%zmm26, %%zmm24, %%zmm18\n\t"                            \
  "vpdpbusd %%zmm27, %%zmm24, %%zmm19\n\t"                            \
  "vpdpbusd %%zmm26, %%zmm25, %%zmm22\n\t"                            \
  "vpdpbusd %%zmm27, %%zmm25, %%zmm23\n\t"

#define XC_Q4K_SCALE(S, P, Q) "vpmulld %%zmm" #Q ", %%zmm" #P ", %%zmm" #P "\n\t" "vpaddd %%zmm" #P ", %[" #S "], %[" #S "]\n\t"

// One sub-block of 2 groups × 4 tokens into their scaled sums: s_gt += scale_g · Σ_v the 4-element dot
// products of group g's vector v (its bytes at wg + 64v, masked to this sub-block's nibbles) with token t's
// bytes at yt + 4v.
template <int K>
inline void sub_block_2x4(const uint8_t* w0, const uint8_t* w1, const ActQ8K* y0, const ActQ8K* y1, const ActQ8K* y2,
                          const ActQ8K* y3, __m512i mask, const Head* h0, const Head* h1, __m512i& s00, __m512i& s01,
                          __m512i& s02, __m512i& s03, __m512i& s10, __m512i& s11, __m512i& s12, __m512i& s13) {
  asm("vpxord %%zmm16, %%zmm16, %%zmm16\n\t"
      "vpxord %%zmm17, %%zmm17, %%zmm17\n\t"
      "vpxord %%zmm18, %%zmm18, %%zmm18\n\t"
      "vpxord %%zmm19, %%zmm19, %%zmm19\n\t"
      "vpxord %%zmm20, %%zmm20, %%zmm20\n\t"
      "vpxord %%zmm21, %%zmm21, %%zmm21\n\t"
      "vpxord %%zmm22, %%zmm22, %%zmm22\n\t"
      "vpxord %%zmm23, %%zmm23, %%zmm23\n\t"
      XC_Q4K_STEP(0) XC_Q4K_STEP(1) XC_Q4K_STEP(2) XC_Q4K_STEP(3) XC_Q4K_STEP(4) XC_Q4K_STEP(5) XC_Q4K_STEP(6) XC_Q4K_STEP(7)
      "vmovdqa64 %c[so](%[h0]), %%zmm24\n\t"
      "vmovdqa64 %c[so](%[h1]), %%zmm25\n\t"
      XC_Q4K_SCALE(s00, 16, 24) XC_Q4K_SCALE(s01, 17, 24) XC_Q4K_SCALE(s02, 18, 24) XC_Q4K_SCALE(s03, 19, 24)
      XC_Q4K_SCALE(s10, 20, 25) XC_Q4K_SCALE(s11, 21, 25) XC_Q4K_SCALE(s12, 22, 25) XC_Q4K_SCALE(s13, 23, 25)
      : [s00] "+v"(s00), [s01] "+v"(s01), [s02] "+v"(s02), [s03] "+v"(s03), [s10] "+v"(s10), [s11] "+v"(s11), [s12] "+v"(s12),
        [s13] "+v"(s13)
      : [w0] "r"(w0), [w1] "r"(w1), [y0] "r"(y0), [y1] "r"(y1), [y2] "r"(y2), [y3] "r"(y3), [mask] "v"(mask), [h0] "r"(h0), [h1] "r"(h1),
        [wo] "i"(offsetof(BlockQ4Kx16, qs) + 512 * (K / 2)), [yo] "i"(offsetof(ActQ8K, qs) + 32 * K),
        [so] "i"(offsetof(Head, scale) + 64 * K)
      : "memory", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20", "xmm21", "xmm22", "xmm23", "xmm24", "xmm25", "xmm26", "xmm27");
}
#undef XC_Q4K_SCALE
#undef XC_Q4K_STEP

// out[t·os + 16g + i] for G groups of 16 rows (gs bytes apart) × T tokens (xs bytes apart; their
// sub-block sums ss words apart). heads: the groups' unpacked headers, hs apart per group, or with Inline
// none: each block's are unpacked as it passes. Each pair sums a sub-block in C chains of 8 / C vpdpbusd,
// so few tokens still hide the multiply-add latency. Prefetch: the rows come from memory (a decode batch),
// so the tile asks for the blocks a few ahead, into L2 as rows16_group_tokens does: on Zen 4 (matmul-bench
// tinyllama Q4_K, 2 threads, ms CPU a pass, alternating) L1 requests left 2 tokens at 89–93, 4 at 99–100,
// 8 at 132–149, 16 at 204; into L2 62, 69–70, 100–102, 167.
// Out of line: one symbol per tile in profiles.
template <int G, int T, int C, bool Inline, bool Prefetch>
[[gnu::noinline]] void tile(int64_t blocks, const uint8_t* w, int64_t gs, const Head* heads, int64_t hs, const uint8_t* x,
                            int64_t xs, const int32_t* sums, int64_t ss, float* out, int64_t os) {
  constexpr int64_t kBlocksAhead = 2;
  constexpr int64_t kLines = kBlockBytes / 64;
  const __m512i low4 = _mm512_set1_epi8(0xF), high4 = _mm512_set1_epi8(static_cast<char>(0xF0));
  __m512 acc[G][T];
  XC_UNROLL
  for (auto& row : acc) for (auto& a : row) a = _mm512_setzero_ps();
  for (int64_t b = 0; b < blocks; b++) {
    const ActQ8K* y[T];
    const int32_t* ysum[T];
    XC_UNROLL
    for (int t = 0; t < T; t++) {
      y[t] = reinterpret_cast<const ActQ8K*>(x + t * xs) + b;
      ysum[t] = sums + t * ss + 4 * b;
    }
    const uint8_t* block[G];
    XC_UNROLL
    for (int g = 0; g < G; g++) block[g] = w + g * gs + b * kBlockBytes;
    if constexpr (Prefetch) {
      // Past the group's last block too: one token's next group follows it in memory.
      for (int g = 0; g < G; g++) {
        for (int64_t line = 0; line < kLines; line++) {
          _mm_prefetch(reinterpret_cast<const char*>(block[g] + kBlocksAhead * kBlockBytes + 64 * line), _MM_HINT_T1);
        }
      }
    }
    Head local[Inline ? G : 1];
    const Head* h[G];
    XC_UNROLL
    for (int g = 0; g < G; g++) {
      if constexpr (Inline) {
        expand(block[g], local[g]);
        h[g] = &local[g];
      } else {
        h[g] = heads + g * hs + b;
      }
    }
    // The mins: Σ_k m_k·(the token's sum of sub-block k), taken off in float at once.
    {
      __m512i m[G][T];
      XC_UNROLL
      for (int g = 0; g < G; g++) {
        XC_UNROLL
        for (int t = 0; t < T; t++) m[g][t] = _mm512_setzero_si512();
      }
      XC_UNROLL
      for (int j = 0; j < 4; j++) {
        XC_UNROLL
        for (int g = 0; g < G; g++) {
          const __m512i mins = _mm512_load_si512(h[g]->min[j]);
          XC_UNROLL
          for (int t = 0; t < T; t++) m[g][t] = _mm512_dpwssd_epi32(m[g][t], mins, _mm512_set1_epi32(ysum[t][j]));
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
    // 16 × the scaled sums (scales_2c × 16 against the low nibbles, scales_2c+1 against the high ones in place).
    __m512i s[G][T];
    if constexpr (G == 2 && T == 4 && C == 1) {
      __m512i s00 = _mm512_setzero_si512(), s01 = s00, s02 = s00, s03 = s00, s10 = s00, s11 = s00, s12 = s00, s13 = s00;
      each_index<8>([&](auto index) {
        constexpr int k = decltype(index)::value;
        sub_block_2x4<k>(block[0], block[1], y[0], y[1], y[2], y[3], k % 2 == 0 ? low4 : high4, h[0], h[1], s00, s01, s02, s03, s10,
                         s11, s12, s13);
      });
      s[0][0] = s00, s[0][1] = s01, s[0][2] = s02, s[0][3] = s03, s[1][0] = s10, s[1][1] = s11, s[1][2] = s12, s[1][3] = s13;
    } else {
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
            const __m512i q = _mm512_and_si512(bits, k % 2 == 0 ? low4 : high4);
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
    }
    XC_UNROLL
    for (int g = 0; g < G; g++) {
      const __m512 d = _mm512_load_ps(h[g]->d);
      XC_UNROLL
      for (int t = 0; t < T; t++) {
        acc[g][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(_mm512_srai_epi32(s[g][t], 4)), _mm512_mul_ps(d, _mm512_set1_ps(y[t]->d)), acc[g][t]);
      }
    }
  }
  XC_UNROLL
  for (int g = 0; g < G; g++) {
    XC_UNROLL
    for (int t = 0; t < T; t++) _mm512_storeu_ps(out + t * os + kGroupRows * g, acc[g][t]);
  }
}

struct Operands {
  int64_t blocks;
  const uint8_t* w;
  int64_t gs;
  const Head* heads;  // per group, `blocks` apart
  const uint8_t* x;
  int64_t xs;
  const int32_t* sums;  // per token, 4·blocks apart
  float* out;
  int64_t os;
};

// All `groups` row groups against T tokens: Wide groups at a time, then narrower tiles.
template <int T, int Wide, bool Inline, bool Prefetch>
void tokens_over_groups(const Operands& o, int64_t groups) {
  constexpr int C = T == 1 ? 4 : 1;
  const int64_t ss = 4 * o.blocks;
  const auto run = [&](auto width, int64_t g) {
    constexpr int kWidth = decltype(width)::value;
    tile<kWidth, T, C, Inline, Prefetch>(o.blocks, o.w + g * o.gs, o.gs, Inline ? nullptr : o.heads + g * o.blocks, o.blocks, o.x, o.xs,
                                        o.sums, ss, o.out + g * kGroupRows, o.os);
  };
  int64_t g = 0;
  for (; g + Wide <= groups; g += Wide) run(std::integral_constant<int, Wide>(), g);
  if constexpr (Wide >= 4) {
    if (g + 2 <= groups) run(std::integral_constant<int, 2>(), g), g += 2;
  }
  for (; g < groups; g++) run(std::integral_constant<int, 1>(), g);
}

// Inside a chunk of row groups, tokens outer and row groups inner: a tile's activations stay in L1 while
// the chunk's rows pass under them from L2. Tokens go four at a time (2 groups × 4 tokens: 8 sums, 8
// integer totals and 8 float accumulators in registers; 1 × 8 and 3 × 4 measured slower), the rest split
// evenly.
template <bool Inline, bool Prefetch>
void chunk(Operands o, int64_t groups, int64_t tokens) {
  const Operands first = o;
  for (int64_t t = 0; t < tokens;) {
    const int64_t rest = tokens - t;
    const int64_t count = rest >= 8 || rest == 4 ? 4 : rest > 4 ? (rest + 1) / 2 : rest;
    o.x = first.x + t * o.xs;
    o.sums = first.sums + t * 4 * o.blocks;
    o.out = first.out + t * o.os;
    switch (count) {
      case 1: tokens_over_groups<1, 1, Inline, Prefetch>(o, groups); break;
      case 2: tokens_over_groups<2, 4, Inline, Prefetch>(o, groups); break;
      case 3: tokens_over_groups<3, 2, Inline, Prefetch>(o, groups); break;
      default: tokens_over_groups<4, 2, Inline, Prefetch>(o, groups); break;
    }
    t += count;
  }
}

// A decode batch's next chunk of groups: their headers into L2 while this chunk's tiles run, so its expand
// does not wait on memory (the tiles' own requests reach only the first two groups past their chunk).
// matmul-bench tinyllama Q4_K, 1 thread, ms CPU a pass, 4 alternating pairs: 8 tokens 98.7–100.6 →
// 95.2–95.8, 16 tokens 165.9–172.8 → 162.0–166.0, 2 and 4 tokens within the spread.
void request_headers(const uint8_t* first, int64_t count) {
  for (int64_t i = 0; i < count; i++) {
    for (int64_t line = 0; line < static_cast<int64_t>(offsetof(BlockQ4Kx16, qs)) / 64; line++) {
      _mm_prefetch(reinterpret_cast<const char*>(first + i * kBlockBytes + 64 * line), _MM_HINT_T1);
    }
  }
}

constexpr int64_t kChunkBytes = 192 * 1024;
constexpr int64_t kDecodeTokens = 16;

void rows16_q4k(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os, int64_t rows,
                int64_t tokens) {
  const int64_t blocks = n / kQK_K;
  const int64_t gs = kGroupRows * ws;
  const int64_t groups = rows / kGroupRows;
  // Bound once: in the addon (a shared object) every use of a thread_local is a __tls_get_addr call.
  thread_local std::vector<int32_t> sums_buffer;
  thread_local std::vector<Head> heads_buffer;
  std::vector<int32_t>& sums = sums_buffer;
  std::vector<Head>& heads = heads_buffer;
  if (sums.size() < static_cast<size_t>(tokens * blocks * 4)) sums.resize(static_cast<size_t>(tokens * blocks * 4));
  sub_block_sums(x, xs, tokens, blocks, sums.data());
  if (tokens == 1) {
    // One token reads each weight once: group by group in one sequential stream (measured faster than
    // four groups side by side from memory), four chains per sub-block, headers unpacked as rows pass,
    // on the hardware prefetcher alone (Zen 4, matmul-bench --shape tinyllama --type Q4_K --tokens 1
    // --layers 8, 1 thread: 8.25–8.32 ms a pass with the tile's requests 2 blocks ahead, 6.5–7.7 without).
    chunk<true, false>({blocks, w, gs, nullptr, x, xs, sums.data(), out, os}, groups, tokens);
    return;
  }
  // Otherwise the headers are unpacked once per chunk of row groups, for all its token tiles: 4 groups
  // for a decode batch (its rows stream from memory once), kChunkBytes in prefill.
  const int64_t step = tokens <= kDecodeTokens ? 4 : std::max<int64_t>(4, kChunkBytes / gs / 4 * 4);
  if (heads.size() < static_cast<size_t>(step * blocks)) heads.resize(static_cast<size_t>(step * blocks));
  for (int64_t g = 0; g < groups; g += step) {
    const int64_t count = std::min(step, groups - g);
    if (tokens <= kDecodeTokens && g + step < groups) {
      request_headers(w + (g + step) * gs, std::min(step, groups - g - step) * blocks);
    }
    for (int64_t i = 0; i < count * blocks; i++) expand(w + g * gs + i * kBlockBytes, heads[static_cast<size_t>(i)]);
    const Operands o{blocks, w + g * gs, gs, heads.data(), x, xs, sums.data(), out + g * kGroupRows, os};
    if (tokens <= kDecodeTokens) chunk<false, true>(o, count, tokens);
    else chunk<false, false>(o, count, tokens);
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
