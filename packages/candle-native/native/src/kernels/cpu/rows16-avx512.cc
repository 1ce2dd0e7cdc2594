// The Rows16 layouts of Q8_0, Q4_0 and Q5_0 (interleave-rows16.h) on AVX-512 VNNI. A 512-bit weight vector holds 4
// elements of 16 rows, so each vpdpbusd multiplies them by one token's 4 activation bytes broadcast to
// every lane: per 32-element block a (row group, token) pair takes 8 vpdpbusd and one float update
// shared by its 16 rows, and the outputs leave as whole vectors with no horizontal sums.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include <immintrin.h>

#include "kernels/cpu/avx512-gcc-warnings.h"

#include <algorithm>
#include <cstddef>
#include <cstring>

#include "kernels/cpu/block-types.h"

namespace xc::avx512 {

namespace {

constexpr int kGroupRows = 16;

inline int32_t word(const int8_t* p) {
  int32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

// The block kinds: vector j (0..7) of a group's block holds elements 4j..4j + 3 of its 16 rows, unsigned
// with an offset of 128 >> kShift (the activations carry −128·Σy).
struct Q8_0Kind {
  using Group = BlockQ8_0x16;
  static constexpr int kShift = 0;
  static __m512i vec(const uint8_t* block, int j) { return _mm512_loadu_si512(block + offsetof(Group, qs) + 64 * j); }
};
struct Q4_0Kind {
  using Group = BlockQ4_0x16;
  static constexpr int kShift = 4;
  // Vectors j and j + 4 share the bytes of vector j: low and high nibbles.
  static __m512i vec(const uint8_t* block, int j) {
    const __m512i bits = _mm512_loadu_si512(block + offsetof(Group, qs) + 64 * (j & 3));
    return _mm512_and_si512(j < 4 ? bits : _mm512_srli_epi16(bits, 4), _mm512_set1_epi8(0xF));
  }
};
struct Q5_0Kind {
  using Group = BlockQ5_0x16;
  static constexpr int kShift = 3;
  static __m512i vec(const uint8_t* block, int j) {
    uint64_t bits;
    std::memcpy(&bits, block + offsetof(Group, qh) + 8 * j, 8);
    return _mm512_or_si512(Q4_0Kind::vec(block, j), _mm512_maskz_mov_epi8(_cvtu64_mask64(bits), _mm512_set1_epi8(0x10)));
  }
};
static_assert(offsetof(BlockQ4_0x16, qs) == offsetof(BlockQ5_0x16, qs), "Q5_0 shares Q4_0's low bits");

// out[t·os + 16g + i] for G groups of 16 rows (gs bytes apart) × T tokens (xs bytes apart). Each (group,
// token) pair sums a block in C chains of 8 / C vpdpbusd: with few tokens there are too few pairs to
// hide the multiply-add latency otherwise.
template <typename Kind, int G, int T, int C>
void rows16_tile(int64_t blocks, const uint8_t* w, int64_t gs, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  constexpr int64_t kBlockBytes = sizeof(typename Kind::Group);
  __m512 acc[G][T];
  for (auto& row : acc) for (auto& a : row) a = _mm512_setzero_ps();
  const ActQ8_0Sum* y[T];
  for (int t = 0; t < T; t++) y[t] = reinterpret_cast<const ActQ8_0Sum*>(x + t * xs);
  for (int64_t b = 0; b < blocks; b++) {
    const uint8_t* block[G];
    for (int g = 0; g < G; g++) block[g] = w + g * gs + b * kBlockBytes;
    __m512i p[C][G][T];
#pragma GCC unroll 8
    for (int t = 0; t < T; t++) {
      const __m512i offset = _mm512_set1_epi32(y[t][b].offset >> Kind::kShift);  // the weights' unsigned offset
      for (int g = 0; g < G; g++) {
        p[0][g][t] = offset;
        for (int c = 1; c < C; c++) p[c][g][t] = _mm512_setzero_si512();
      }
    }
#pragma GCC unroll 8
    for (int j = 0; j < 8; j++) {
      for (int g = 0; g < G; g++) {
        const __m512i q = Kind::vec(block[g], j);
        for (int t = 0; t < T; t++) {
          p[j % C][g][t] = _mm512_dpbusd_epi32(p[j % C][g][t], q, _mm512_set1_epi32(word(y[t][b].qs + 4 * j)));
        }
      }
    }
    for (int g = 0; g < G; g++) {
      const __m512 dw = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block[g])));
      for (int t = 0; t < T; t++) {
        __m512i sum = p[0][g][t];
        for (int c = 1; c < C; c++) sum = _mm512_add_epi32(sum, p[c][g][t]);
        acc[g][t] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(sum), _mm512_set1_ps(y[t][b].d)), dw, acc[g][t]);
      }
    }
  }
  for (int g = 0; g < G; g++) {
    for (int t = 0; t < T; t++) _mm512_storeu_ps(out + t * os + kGroupRows * g, acc[g][t]);
  }
}

// A decode batch of 5–16 tokens in one pass over G groups' weights: each block's multiply-adds run
// for the tokens in parts of kPart, the block's weight vectors re-read from L1 for the later parts, so
// every weight byte comes from memory once and the multiply-adds overlap the stream of the blocks
// ahead (two passes of 4 tokens left the second pass computing with nothing in flight). G × T sums
// stay in registers, plus G × kPart chains for the part being summed.
template <typename Kind, int G, int T, int kPart>
void rows16_group_tokens(int64_t blocks, const uint8_t* w, int64_t gs, const uint8_t* end, const uint8_t* x, int64_t xs,
                         float* out, int64_t os) {
  constexpr int C = G * kPart < 8 ? 2 : 1;
  // A block of up to 8 tokens takes longer than the 1–4-token tiles' blocks: 12 blocks ahead (6.5 KB)
  // measured 25% faster than 6 at 8 tokens, 20 no better; past the group's end it asks for the next.
  // Into L2, not L1: on Zen 4 (matmul-bench qwen05 Q8_0, 8 tokens, ms CPU a pass, alternating) T0 left
  // the stream short of misses in flight: 1 thread 34–39 → 22–23 (the rate from L3), 2 threads 37–41 →
  // 28–34; Q4_0 27 → 23–24, Q5_0 29 → 26. T2 ran like T1, NTA like T0; T1 at 6 or 16–48 blocks no better.
  constexpr int64_t kBlocksAhead = 12;
  constexpr int64_t kBlockBytes = sizeof(typename Kind::Group);
  constexpr int kLines = (kBlockBytes + 63) / 64 + 1;
  __m512 acc[G][T];
  for (auto& row : acc) for (auto& a : row) a = _mm512_setzero_ps();
  const ActQ8_0Sum* y[T];
  for (int t = 0; t < T; t++) y[t] = reinterpret_cast<const ActQ8_0Sum*>(x + t * xs);
  for (int64_t b = 0; b < blocks; b++) {
    const uint8_t* block[G];
    for (int g = 0; g < G; g++) block[g] = w + g * gs + b * kBlockBytes;
    for (int g = 0; g < G; g++) {
      const uint8_t* ahead = block[g] + kBlocksAhead * kBlockBytes;
      if (ahead < end) {
        for (int line = 0; line < kLines; line++) _mm_prefetch(reinterpret_cast<const char*>(ahead + 64 * line), _MM_HINT_T1);
      }
    }
    __m512 dw[G];
    for (int g = 0; g < G; g++) dw[g] = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block[g])));
#pragma GCC unroll 4
    for (int t0 = 0; t0 < T; t0 += kPart) {
      __m512i p[C][G][kPart];
#pragma GCC unroll 8
      for (int t = 0; t < kPart; t++) {
        if (t0 + t >= T) continue;
        for (int g = 0; g < G; g++) {
          p[0][g][t] = _mm512_set1_epi32(y[t0 + t][b].offset >> Kind::kShift);
          for (int c = 1; c < C; c++) p[c][g][t] = _mm512_setzero_si512();
        }
      }
#pragma GCC unroll 8
      for (int j = 0; j < 8; j++) {
        for (int g = 0; g < G; g++) {
          const __m512i q = Kind::vec(block[g], j);
#pragma GCC unroll 8
          for (int t = 0; t < kPart; t++) {
            if (t0 + t >= T) continue;
            p[j % C][g][t] = _mm512_dpbusd_epi32(p[j % C][g][t], q, _mm512_set1_epi32(word(y[t0 + t][b].qs + 4 * j)));
          }
        }
      }
#pragma GCC unroll 8
      for (int t = 0; t < kPart; t++) {
        if (t0 + t >= T) continue;
        const __m512 d = _mm512_set1_ps(y[t0 + t][b].d);
        for (int g = 0; g < G; g++) {
          __m512i sum = p[0][g][t];
          for (int c = 1; c < C; c++) sum = _mm512_add_epi32(sum, p[c][g][t]);
          acc[g][t0 + t] = _mm512_fmadd_ps(_mm512_mul_ps(_mm512_cvtepi32_ps(sum), d), dw[g], acc[g][t0 + t]);
        }
      }
    }
  }
  for (int g = 0; g < G; g++) {
    for (int t = 0; t < T; t++) _mm512_storeu_ps(out + t * os + kGroupRows * g, acc[g][t]);
  }
}

// One group at a time in parts of 8 tokens: 2 groups in parts of 4 load fewer weight vectors per
// multiply-add but their sums do not fit the registers (measured slower).
template <typename Kind, int T>
void rows16_groups_tokens(int64_t blocks, const uint8_t* w, int64_t gs, int64_t groups, const uint8_t* x, int64_t xs, float* out,
                          int64_t os) {
  const uint8_t* end = w + groups * gs;
  constexpr int kPart = T < 8 ? T : 8;
  for (int64_t g = 0; g < groups; g++) rows16_group_tokens<Kind, 1, T, kPart>(blocks, w + g * gs, gs, end, x, xs, out + g * kGroupRows, os);
}

// All `groups` row groups against T tokens: the widest tile that fits the registers, then narrower ones.
// Register tiles: 2 groups × 5–6 tokens in one chain each, 2 × 3–4 in two, 4 × 1–2 in two (24 or fewer
// of the 32 vector registers for sums).
template <typename Kind, int T>
void rows16_tokens(int64_t blocks, const uint8_t* w, int64_t gs, int64_t groups, const uint8_t* x, int64_t xs, float* out,
                   int64_t os) {
  constexpr int C = T <= 4 ? 2 : 1;
  constexpr int kWide = T <= 2 ? 4 : 2;
  int64_t g = 0;
  for (; g + kWide <= groups; g += kWide) rows16_tile<Kind, kWide, T, C>(blocks, w + g * gs, gs, x, xs, out + g * kGroupRows, os);
  if constexpr (kWide == 4) {
    if (g + 2 <= groups) rows16_tile<Kind, 2, T, C>(blocks, w + g * gs, gs, x, xs, out + g * kGroupRows, os), g += 2;
  }
  if (g < groups) rows16_tile<Kind, 1, T, C>(blocks, w + g * gs, gs, x, xs, out + g * kGroupRows, os);
}

// A decode batch of 5–16 tokens: every token against each group in one pass (rows16_group_tokens).
template <typename Kind>
void rows16_decode_batch(int64_t blocks, const uint8_t* w, int64_t gs, int64_t groups, const uint8_t* x, int64_t xs, float* out,
                         int64_t os, int64_t tokens) {
  using Fn = void (*)(int64_t, const uint8_t*, int64_t, int64_t, const uint8_t*, int64_t, float*, int64_t);
  static constexpr Fn kByTokens[] = {
      rows16_groups_tokens<Kind, 5>,  rows16_groups_tokens<Kind, 6>,  rows16_groups_tokens<Kind, 7>,
      rows16_groups_tokens<Kind, 8>,  rows16_groups_tokens<Kind, 9>,  rows16_groups_tokens<Kind, 10>,
      rows16_groups_tokens<Kind, 11>, rows16_groups_tokens<Kind, 12>, rows16_groups_tokens<Kind, 13>,
      rows16_groups_tokens<Kind, 14>, rows16_groups_tokens<Kind, 15>, rows16_groups_tokens<Kind, 16>,
  };
  kByTokens[tokens - 5](blocks, w, gs, groups, x, xs, out, os);
}

// A decode batch of 1–4 tokens: the band's groups one after another, one sequential stream on the hardware
// prefetcher alone. Four groups side by side (four streams) with the tile's requests 6 blocks ahead
// streamed far slower from memory (Zen 4, matmul-bench, ms CPU a pass, alternating; from cache alike):
// 1 token, 1 thread Q8_0 5.7–6.1 → 3.8–4.1, Q5_0 4.9–7.0 → 2.2–2.9; 2 threads Q8_0 7.3–8.2 → 5.9–6.4,
// Q5_0 6.5–8.5 → 4.5–5.5; 1 thread, 2 tokens Q8_0 7.7–7.8 → 3.5–3.9, 4 tokens 8.9–9.0 → 4.4, Q5_0 4
// tokens 6.9–7.0 → 4.9–5.9. Each (group, token) pair's sums are the wide tile's, so the bits are the same.
template <typename Kind, int T>
void rows16_group_by_group(int64_t blocks, const uint8_t* w, int64_t gs, int64_t groups, const uint8_t* x, int64_t xs,
                           float* out, int64_t os) {
  for (int64_t g = 0; g < groups; g++) rows16_tile<Kind, 1, T, 2>(blocks, w + g * gs, gs, x, xs, out + g * kGroupRows, os);
}

// A prompt: chunks of row groups (at most kChunkBytes), and inside a chunk tokens outer, row groups inner: a tile's activations stay in L1 while the chunk's rows
// pass under them from L2. Tokens go six at a time, the rest split evenly (8 as 4 + 4, not 6 + 2).
constexpr int64_t kChunkBytes = 192 * 1024;

template <typename Kind>
void rows16_chunk(int64_t blocks, const uint8_t* w, int64_t gs, int64_t groups, const uint8_t* x, int64_t xs, float* out,
                  int64_t os, int64_t tokens) {
  for (int64_t t = 0; t < tokens;) {
    const int64_t rest = tokens - t;
    const int64_t count = rest >= 12 || rest == 6 ? 6 : rest > 6 ? (rest + 1) / 2 : rest;
    const uint8_t* xt = x + t * xs;
    float* ot = out + t * os;
    switch (count) {
      case 1: rows16_tokens<Kind, 1>(blocks, w, gs, groups, xt, xs, ot, os); break;
      case 2: rows16_tokens<Kind, 2>(blocks, w, gs, groups, xt, xs, ot, os); break;
      case 3: rows16_tokens<Kind, 3>(blocks, w, gs, groups, xt, xs, ot, os); break;
      case 4: rows16_tokens<Kind, 4>(blocks, w, gs, groups, xt, xs, ot, os); break;
      case 5: rows16_tokens<Kind, 5>(blocks, w, gs, groups, xt, xs, ot, os); break;
      default: rows16_tokens<Kind, 6>(blocks, w, gs, groups, xt, xs, ot, os); break;
    }
    t += count;
  }
}

template <typename Kind>
void rows16(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os, int64_t rows,
            int64_t tokens) {
  const int64_t blocks = n / kQK8_0;
  const int64_t gs = kGroupRows * ws;
  const int64_t groups = rows / kGroupRows;
  // A decode batch reads its weights from memory once: 1–4 tokens group by group in the register tiles,
  // 5–16 group by group with every token in one pass; prefill takes chunks of kChunkBytes.
  switch (tokens) {
    case 1: return rows16_group_by_group<Kind, 1>(blocks, w, gs, groups, x, xs, out, os);
    case 2: return rows16_group_by_group<Kind, 2>(blocks, w, gs, groups, x, xs, out, os);
    case 3: return rows16_group_by_group<Kind, 3>(blocks, w, gs, groups, x, xs, out, os);
    case 4: return rows16_group_by_group<Kind, 4>(blocks, w, gs, groups, x, xs, out, os);
    default: break;
  }
  if (tokens <= 16) return rows16_decode_batch<Kind>(blocks, w, gs, groups, x, xs, out, os, tokens);
  const int64_t chunk = std::max<int64_t>(4, kChunkBytes / gs / 4 * 4);
  for (int64_t g = 0; g < groups; g += chunk) {
    const int64_t count = groups - g < chunk ? groups - g : chunk;
    rows16_chunk<Kind>(blocks, w + g * gs, gs, count, x, xs, out + g * kGroupRows, os, tokens);
  }
}

// The block's quantized bytes from its scale 127 / amax (0 for an all-zero block), and −128·Σ qs, the
// byte sum taken from the packed bytes: Σ q = Σ (q + 128) − 32·128, the unsigned bytes summed by vpsadbw.
inline void quantize_block(const float* x, float id, float d, ActQ8_0Sum& block) {
  const __m512 scale = _mm512_set1_ps(id);
  const __m128i qa = _mm512_cvtsepi32_epi8(_mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x), scale)));
  const __m128i qb = _mm512_cvtsepi32_epi8(_mm512_cvtps_epi32(_mm512_mul_ps(_mm512_loadu_ps(x + 16), scale)));
  const __m256i q = _mm256_inserti128_si256(_mm256_castsi128_si256(qa), qb, 1);
  const __m256i sad = _mm256_sad_epu8(_mm256_xor_si256(q, _mm256_set1_epi8(static_cast<char>(0x80))), _mm256_setzero_si256());
  const __m128i half = _mm_add_epi64(_mm256_castsi256_si128(sad), _mm256_extracti128_si256(sad, 1));
  const int sum = static_cast<int>(_mm_cvtsi128_si64(_mm_add_epi64(half, _mm_unpackhi_epi64(half, half)))) - kQK8_0 * 128;
  block.d = d;
  block.offset = -128 * sum;
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(block.qs), q);
}

inline __m512 block_amax(const float* x) {
  return _mm512_max_ps(_mm512_abs_ps(_mm512_loadu_ps(x)), _mm512_abs_ps(_mm512_loadu_ps(x + 16)));
}

// Lane k: the largest lane of m[k] (max is exact, so any order of the reduction gives the same value).
inline __m512 lane_maxes(const __m512 (&m)[16]) {
  __m512 pairs[8], quads[4], eights[2];
  for (int i = 0; i < 8; i++) {  // 128-bit quarters 0–1: block 2i, 2–3: block 2i + 1
    const __m512 a = m[2 * i], b = m[2 * i + 1];
    pairs[i] = _mm512_max_ps(_mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(1, 0, 1, 0)), _mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  for (int i = 0; i < 4; i++) {  // quarter q: block 4i + q
    const __m512 a = pairs[2 * i], b = pairs[2 * i + 1];
    quads[i] = _mm512_max_ps(_mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(2, 0, 2, 0)), _mm512_shuffle_f32x4(a, b, _MM_SHUFFLE(3, 1, 3, 1)));
  }
  for (int i = 0; i < 2; i++) {  // quarter q, lanes 0–1: block 8i + q, lanes 2–3: block 8i + 4 + q
    const __m512 a = quads[2 * i], b = quads[2 * i + 1];
    eights[i] = _mm512_max_ps(_mm512_shuffle_ps(a, b, _MM_SHUFFLE(1, 0, 1, 0)), _mm512_shuffle_ps(a, b, _MM_SHUFFLE(3, 2, 3, 2)));
  }
  // lane 4q + j: block 4j + q
  const __m512 all = _mm512_max_ps(_mm512_shuffle_ps(eights[0], eights[1], _MM_SHUFFLE(2, 0, 2, 0)),
                                   _mm512_shuffle_ps(eights[0], eights[1], _MM_SHUFFLE(3, 1, 3, 1)));
  return _mm512_permutexvar_ps(_mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15), all);
}

// ActQ8_0Sum rows in one pass: the quantizing of avx2::quantize_q8_0 (the same amax, scale and
// round-to-nearest-even, so the same bytes). Sixteen blocks at a time take their maxima in one
// transposing reduction and their scales in two vector divisions instead of 32 scalar ones (the
// kernel alone, a 576-float row: 5.6 → 4.35 ns a block); from a block group with a NaN on, one block at a time.
void quantize_q8_0_sum(const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8_0Sum*>(out);
  const int64_t count = n / kQK8_0;
  int64_t i = 0;
  for (; i < count; i += 16) {
    const int group = static_cast<int>(std::min<int64_t>(16, count - i));
    __m512 m[16];
    __mmask16 nan = 0;
    for (int k = 0; k < 16; k++) {
      m[k] = k < group ? block_amax(x + (i + k) * kQK8_0) : _mm512_setzero_ps();
      nan |= _mm512_cmp_ps_mask(m[k], m[k], _CMP_UNORD_Q);
    }
    if (nan != 0) break;  // which NaN a max returns depends on its operands' order: the one-block path's order
    const __m512 amax = lane_maxes(m);
    alignas(64) float id[16], d[16];
    const __mmask16 nonzero = _mm512_cmp_ps_mask(amax, _mm512_setzero_ps(), _CMP_NEQ_UQ);
    _mm512_store_ps(id, _mm512_maskz_div_ps(nonzero, _mm512_set1_ps(127.0f), amax));
    _mm512_store_ps(d, _mm512_div_ps(amax, _mm512_set1_ps(127.0f)));
    for (int k = 0; k < group; k++) quantize_block(x + (i + k) * kQK8_0, id[k], d[k], blocks[i + k]);
  }
  for (; i < count; i++) {
    const float amax = _mm512_reduce_max_ps(block_amax(x + i * kQK8_0));
    quantize_block(x + i * kQK8_0, amax != 0 ? 127.0f / amax : 0.0f, amax / 127.0f, blocks[i]);
  }
}

}  // namespace

}  // namespace xc::avx512

namespace xc {
bool add_avx512_rows16(KernelTable& t) {
  t.traits(GgmlType::Q8_0).rows16.rows = avx512::rows16<avx512::Q8_0Kind>;
  t.traits(GgmlType::Q4_0).rows16.rows = avx512::rows16<avx512::Q4_0Kind>;
  t.traits(GgmlType::Q5_0).rows16.rows = avx512::rows16<avx512::Q5_0Kind>;
  t.quantize_q8_0_sum = avx512::quantize_q8_0_sum;
  t.traits(GgmlType::Q8_0).prefer_rows16 = true;
  t.traits(GgmlType::Q4_0).prefer_rows16 = true;
  t.traits(GgmlType::Q5_0).prefer_rows16 = true;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_rows16(KernelTable&) { return false; }
}  // namespace xc

#endif
