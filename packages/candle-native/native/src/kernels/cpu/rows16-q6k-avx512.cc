// Q6_K's Rows16 layout (interleave-rows16-q6k.h) on AVX-512 VNNI. A 512-bit weight vector holds 4 elements
// of 16 rows, so each vpdpbusd multiplies them by one token's 4 activation bytes broadcast to every lane.
// Per 256-element block and (row group, token) pair: 16 sub-blocks of 4 vpdpbusd, each sub-block's sum
// starting from −32 × the token's sub-block sum (the quants are stored as q + 32).
//
// Bit for bit the x16 layout's one-row dot (Q6KTile in interleaved-kquant-avx512.cc) for every token: there
// each row keeps one float accumulator per sub-block (acc_k += float(Σ_k) · ((float(scale_k) · d) · d_token),
// block by block) and adds the 16 up at the end, in _mm512_reduce_add_ps's order. Here the 16 accumulators
// of a (group, token) pair are 16 vectors (lane i: row i), added up lane by lane in that order whatever the
// call's token count, so a token's bits never depend on its batch (the x16 4-row tiles add in sum4's order:
// there a token in a decode batch differs from the same token alone by ~3e-7).
// The float work stays the x16 layout's (a vcvtdq2ps, a vmulps and an FMA per sub-block, pair and block,
// against 4 vpdpbusd); what this layout saves is the unpacking (once per group for up to 8 tokens instead
// of once per row for every two) and the per-row horizontal work.
//
// Prefill runs sub-blocks outermost over copies of the weights and activations laid out for that loop,
// so a token tile's 8 accumulators stay in registers; a decode batch streams the rows once, blocks
// outermost, its accumulators in L1.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include <immintrin.h>

#include "kernels/cpu/avx512-gcc-warnings.h"

#include <algorithm>
#include <cstddef>
#include <cstring>
#include <type_traits>
#include <vector>

#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-rows16-q6k.h"

#define XC_UNROLL _Pragma("GCC unroll 16")

namespace xc::avx512_rows16_q6k {

namespace {

constexpr int kGroupRows = 16;
constexpr int kSubBlocks = 16;
constexpr int64_t kBlockBytes = sizeof(BlockQ6Kx16Rows);

// One group block's float scales, float(scale_k) · d per row (lane i: row i), as Q6KTile forms them.
struct alignas(64) Head {
  float scale[kSubBlocks][16];
};

// The 16 per-sub-block float accumulators of one (group, token) pair.
struct alignas(64) Accumulators {
  float sub_block[kSubBlocks][16];
};

inline int32_t word(const void* p) {
  int32_t w;
  std::memcpy(&w, p, 4);
  return w;
}

void expand(const uint8_t* block, Head& h) {
  const __m512 d = _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + offsetof(BlockQ6Kx16Rows, d))));
  for (int k = 0; k < kSubBlocks; k++) {
    const __m128i scales = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + offsetof(BlockQ6Kx16Rows, scales) + 16 * k));
    _mm512_store_ps(h.scale[k], _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(scales)), d));
  }
}

// Per token and block, −32 × the token's 16 sub-block sums as int32: each sub-block's integer sum starts there.
void offsets(const uint8_t* x, int64_t xs, int64_t tokens, int64_t blocks, int32_t* out) {
  for (int64_t t = 0; t < tokens; t++) {
    const auto* y = reinterpret_cast<const ActQ8K*>(x + t * xs);
    for (int64_t b = 0; b < blocks; b++) {
      const __m512i sums = _mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[b].bsums)));
      _mm512_storeu_si512(out + (t * blocks + b) * kSubBlocks, _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_slli_epi32(sums, 5)));
    }
  }
}

// Sub-block k's four vectors of unsigned six-bit quants: low nibbles from two vectors (vectors 0 and 1 in
// the first, 2 and 3 in the second), the top bits from the third, each picked into bits 4-5 of its bytes
// with bits 6-7 clear and merged in one bit select.
inline void unpack(const uint8_t* qs, __m512i (&q)[4]) {
  const __m512i low4 = _mm512_set1_epi8(0x0F), pairs = _mm512_set1_epi8(0x33);
  const __m512i l0 = _mm512_loadu_si512(qs), l1 = _mm512_loadu_si512(qs + 64), high = _mm512_loadu_si512(qs + 128);
  const __m512i even = _mm512_and_si512(high, pairs);                           // bits 0-1: vector 0, 4-5: vector 2
  const __m512i odd = _mm512_and_si512(_mm512_srli_epi16(high, 2), pairs);      // bits 0-1: vector 1, 4-5: vector 3
  // mask ? a : b, bit by bit
  const auto select = [&](__m512i a, __m512i b) { return _mm512_ternarylogic_epi32(low4, a, b, 0xCA); };
  q[0] = select(l0, _mm512_slli_epi16(even, 4));
  q[1] = select(_mm512_srli_epi16(l0, 4), _mm512_slli_epi16(odd, 4));
  q[2] = select(l1, even);
  q[3] = select(_mm512_srli_epi16(l1, 4), odd);
}

// The 16 accumulators of a pair added up in the x16 one-row dot's order (its _mm512_reduce_add_ps), for every
// token of every call: a token gets the same bits alone, in a decode batch and in a prompt.
inline __m512 total(const Accumulators& a) {
  __m512 f[8];
  for (int j = 0; j < 8; j++) f[j] = _mm512_add_ps(_mm512_load_ps(a.sub_block[j]), _mm512_load_ps(a.sub_block[j + 8]));
  return _mm512_add_ps(_mm512_add_ps(_mm512_add_ps(f[0], f[4]), _mm512_add_ps(f[2], f[6])),
                       _mm512_add_ps(_mm512_add_ps(f[1], f[5]), _mm512_add_ps(f[3], f[7])));
}

// The sub-block's scales of the group block at `block`: float(scale_k) · d per row, as Q6KTile forms them.
inline __m512 scales_of(const uint8_t* block, int k, __m512 d) {
  const __m128i scales = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + offsetof(BlockQ6Kx16Rows, scales) + 16 * k));
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(scales)), d);
}

inline __m512 d_of(const uint8_t* block) {
  return _mm512_cvtph_ps(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(block + offsetof(BlockQ6Kx16Rows, d))));
}

// Prefill works on copies laid out for its loop (sub-blocks outer, blocks inner): per group, sub-block and
// block a 256-byte record of the 192 quant bytes and the 16 rows' float scales (whole cache lines, read in
// order), and per token tile the tokens' activation bytes by sub-block, block and token (16 bytes each),
// their offsets by block and token (16 words, one store each) and their d by block and token: one base
// address each, constant offsets for every token.
struct alignas(64) WeightRecord {
  uint8_t qs[192];
  float scale[16];
};

struct TokenRecords {
  int8_t* y;         // [sub-block][block][token][16]
  int32_t* start;    // [block][token][sub-block]
  float* d;          // [block][token]
};

// Records of `groups` groups (gs bytes apart) of `blocks` blocks: group g's sub-block k, block b at
// (g · 16 + k) · blocks + b.
void pack_weights(const uint8_t* w, int64_t gs, int64_t groups, int64_t blocks, WeightRecord* out) {
  for (int64_t g = 0; g < groups; g++) {
    for (int64_t b = 0; b < blocks; b++) {
      const uint8_t* block = w + g * gs + b * kBlockBytes;
      Head h;
      expand(block, h);
      for (int k = 0; k < kSubBlocks; k++) {
        WeightRecord& r = out[(g * kSubBlocks + k) * blocks + b];
        std::memcpy(r.qs, block + offsetof(BlockQ6Kx16Rows, qs) + 192 * k, 192);
        std::memcpy(r.scale, h.scale[k], sizeof(r.scale));
      }
    }
  }
}

// T tokens' records.
template <int T>
void pack_tokens(const uint8_t* x, int64_t xs, int64_t blocks, const TokenRecords& out) {
  for (int t = 0; t < T; t++) {
    for (int64_t b = 0; b < blocks; b++) {
      const ActQ8K& y = reinterpret_cast<const ActQ8K*>(x + t * xs)[b];
      const __m512i sums = _mm512_cvtepi16_epi32(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(y.bsums)));
      _mm512_storeu_si512(out.start + (b * T + t) * kSubBlocks, _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_slli_epi32(sums, 5)));
      out.d[b * T + t] = y.d;
      for (int k = 0; k < kSubBlocks; k++) {
        _mm_storeu_si128(reinterpret_cast<__m128i*>(out.y + ((k * blocks + b) * T + t) * 16),
                         _mm_loadu_si128(reinterpret_cast<const __m128i*>(y.qs + 16 * k)));
      }
    }
  }
}

// Prefill: out[t·os + i] for one group of 16 rows × T tokens from their records. Sub-blocks outermost:
// sub-block k's accumulators stay in registers while the blocks pass, one weight unpack for all T tokens.
// Out of line: one symbol per tile in profiles.
template <int T>
[[gnu::noinline]] void prefill_tile(int64_t blocks, const WeightRecord* w, const TokenRecords& x, float* out, int64_t os) {
  Accumulators acc[T];
  for (int k = 0; k < kSubBlocks; k++) {
    __m512 a[T];
    XC_UNROLL
    for (int t = 0; t < T; t++) a[t] = _mm512_setzero_ps();
    const WeightRecord* wk = w + k * blocks;
    const int8_t* yk = x.y + k * blocks * T * 16;
    const int32_t* sk = x.start + k;
    for (int64_t b = 0; b < blocks; b++) {
      __m512i q[4];
      unpack(wk[b].qs, q);
      __m512i p[T];
      XC_UNROLL
      for (int t = 0; t < T; t++) p[t] = _mm512_set1_epi32(sk[(b * T + t) * kSubBlocks]);
      XC_UNROLL
      for (int v = 0; v < 4; v++) {
        XC_UNROLL
        for (int t = 0; t < T; t++) p[t] = _mm512_dpbusd_epi32(p[t], q[v], _mm512_set1_epi32(word(yk + (b * T + t) * 16 + 4 * v)));
      }
      const __m512 scale = _mm512_load_ps(wk[b].scale);
      XC_UNROLL
      for (int t = 0; t < T; t++) a[t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p[t]), _mm512_mul_ps(scale, _mm512_set1_ps(x.d[b * T + t])), a[t]);
    }
    XC_UNROLL
    for (int t = 0; t < T; t++) _mm512_store_ps(acc[t].sub_block[k], a[t]);
  }
  XC_UNROLL
  for (int t = 0; t < T; t++) _mm512_storeu_ps(out + t * os, total(acc[t]));
}

// A decode batch: one group of 16 rows × T tokens, blocks outermost (the rows stream from memory once, in
// order), the 16 accumulators of each token in L1, the scales unpacked as the blocks pass.
template <int T>
[[gnu::noinline]] void decode_tile(int64_t blocks, const uint8_t* w, const uint8_t* x, int64_t xs, const int32_t* offset, int64_t ofs,
                                   float* out, int64_t os) {
  Accumulators acc[T];
  std::memset(acc, 0, sizeof(acc));
  for (int64_t b = 0; b < blocks; b++) {
    const uint8_t* block = w + b * kBlockBytes;
    const __m512 d = d_of(block);
    __m512 dy[T];
    XC_UNROLL
    for (int t = 0; t < T; t++) dy[t] = _mm512_set1_ps(reinterpret_cast<const ActQ8K*>(x + t * xs)[b].d);
    const int8_t* y = reinterpret_cast<const ActQ8K*>(x)[b].qs;
    XC_UNROLL
    for (int k = 0; k < kSubBlocks; k++) {
      __m512i q[4];
      unpack(block + offsetof(BlockQ6Kx16Rows, qs) + 192 * k, q);
      __m512i p[T];
      XC_UNROLL
      for (int t = 0; t < T; t++) p[t] = _mm512_set1_epi32(offset[t * ofs + kSubBlocks * b + k]);
      XC_UNROLL
      for (int v = 0; v < 4; v++) {
        XC_UNROLL
        for (int t = 0; t < T; t++) p[t] = _mm512_dpbusd_epi32(p[t], q[v], _mm512_set1_epi32(word(y + t * xs + 16 * k + 4 * v)));
      }
      const __m512 scale = scales_of(block, k, d);
      XC_UNROLL
      for (int t = 0; t < T; t++) {
        float* a = acc[t].sub_block[k];
        _mm512_store_ps(a, _mm512_fmadd_ps(_mm512_cvtepi32_ps(p[t]), _mm512_mul_ps(scale, dy[t]), _mm512_load_ps(a)));
      }
    }
  }
  XC_UNROLL
  for (int t = 0; t < T; t++) _mm512_storeu_ps(out + t * os, total(acc[t]));
}

// A decode batch's tokens over one group: Most at a time, the rest split evenly. x and offsets: the
// batch's first token's.
template <int Most>
void decode_group(int64_t blocks, const uint8_t* w, const uint8_t* x, int64_t xs, const int32_t* offsets, float* out, int64_t os,
                  int64_t tokens) {
  const int64_t ofs = kSubBlocks * blocks;
  for (int64_t t = 0; t < tokens;) {
    const int64_t rest = tokens - t;
    const int64_t count = rest >= 2 * Most || rest == Most ? Most : rest > Most ? (rest + 1) / 2 : rest;
    const uint8_t* xt = x + t * xs;
    const int32_t* st = offsets + t * ofs;
    float* ot = out + t * os;
    switch (count) {
      case 1: decode_tile<1>(blocks, w, xt, xs, st, ofs, ot, os); break;
      case 2: decode_tile<2>(blocks, w, xt, xs, st, ofs, ot, os); break;
      case 3: decode_tile<3>(blocks, w, xt, xs, st, ofs, ot, os); break;
      default: decode_tile<4>(blocks, w, xt, xs, st, ofs, ot, os); break;
    }
    t += count;
  }
}

// One token tile of a prefill chunk: its records, then the chunk's groups under them.
template <int T>
void prefill_tokens(int64_t blocks, const WeightRecord* w, int64_t groups, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  thread_local std::vector<int8_t> y_buffer;
  thread_local std::vector<int32_t> start_buffer;
  thread_local std::vector<float> d_buffer;
  std::vector<int8_t>& y = y_buffer;
  std::vector<int32_t>& start = start_buffer;
  std::vector<float>& d = d_buffer;
  if (d.size() < static_cast<size_t>(T * blocks)) {
    y.resize(static_cast<size_t>(kSubBlocks * blocks * T * 16));
    start.resize(static_cast<size_t>(blocks * T * kSubBlocks));
    d.resize(static_cast<size_t>(T * blocks));
  }
  const TokenRecords records{y.data(), start.data(), d.data()};
  pack_tokens<T>(x, xs, blocks, records);
  for (int64_t g = 0; g < groups; g++) {
    prefill_tile<T>(blocks, w + g * kSubBlocks * blocks, records, out + g * kGroupRows, os);
  }
}

template <int Most>
void prefill_chunk(int64_t blocks, const WeightRecord* w, int64_t groups, const uint8_t* x, int64_t xs, float* out, int64_t os,
                   int64_t tokens) {
  for (int64_t t = 0; t < tokens;) {
    const int64_t rest = tokens - t;
    const int64_t count = rest >= 2 * Most || rest == Most ? Most : rest > Most ? (rest + 1) / 2 : rest;
    const uint8_t* xt = x + t * xs;
    float* ot = out + t * os;
    // The activations two tiles on into L2 while this one runs (the first tile asks for both): packing
    // them had waited on memory, 21% of the kernel's time beside 42% in the tiles (perf, matmul-bench
    // tinyllama down, 512 tokens, 1 thread), 12% with these requests.
    const int64_t from = t == 0 ? count : std::min(tokens, t + count + Most);
    const int64_t to = std::min(tokens, t + count + 2 * Most);
    for (int64_t line = from * xs; line < to * xs; line += 64) _mm_prefetch(reinterpret_cast<const char*>(x + line), _MM_HINT_T1);
    switch (count) {
      case 1: prefill_tokens<1>(blocks, w, groups, xt, xs, ot, os); break;
      case 2: prefill_tokens<2>(blocks, w, groups, xt, xs, ot, os); break;
      case 3: prefill_tokens<3>(blocks, w, groups, xt, xs, ot, os); break;
      case 4: prefill_tokens<4>(blocks, w, groups, xt, xs, ot, os); break;
      case 5: prefill_tokens<5>(blocks, w, groups, xt, xs, ot, os); break;
      case 6: prefill_tokens<6>(blocks, w, groups, xt, xs, ot, os); break;
      case 7: prefill_tokens<7>(blocks, w, groups, xt, xs, ot, os); break;
      default: prefill_tokens<8>(blocks, w, groups, xt, xs, ot, os); break;
    }
    t += count;
  }
}

constexpr int64_t kChunkBytes = 320 * 1024;
constexpr int64_t kDecodeTokens = 16;
constexpr int kPrefillTokens = 8;
constexpr int kDecodeTileTokens = 4;

void rows16_q6k(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os, int64_t rows,
                int64_t tokens) {
  const int64_t blocks = n / kQK_K;
  const int64_t gs = kGroupRows * ws;
  const int64_t groups = rows / kGroupRows;
  if (tokens <= kDecodeTokens) {
    // A decode batch reads each weight once: group by group in one sequential stream.
    thread_local std::vector<int32_t> offsets_buffer;
    std::vector<int32_t>& starts = offsets_buffer;
    if (starts.size() < static_cast<size_t>(tokens * blocks * kSubBlocks)) starts.resize(static_cast<size_t>(tokens * blocks * kSubBlocks));
    offsets(x, xs, tokens, blocks, starts.data());
    for (int64_t g = 0; g < groups; g++) {
      decode_group<kDecodeTileTokens>(blocks, w + g * gs, x, xs, starts.data(), out + g * kGroupRows, os, tokens);
    }
    return;
  }
  // Prefill: the weights copied into records once per chunk of about kChunkBytes, for all its token tiles.
  thread_local std::vector<WeightRecord> weights_buffer;
  std::vector<WeightRecord>& records = weights_buffer;
  const int64_t step = std::max<int64_t>(1, kChunkBytes / gs);
  if (records.size() < static_cast<size_t>(step * kSubBlocks * blocks)) records.resize(static_cast<size_t>(step * kSubBlocks * blocks));
  for (int64_t g = 0; g < groups; g += step) {
    const int64_t count = std::min(step, groups - g);
    pack_weights(w + g * gs, gs, count, blocks, records.data());
    prefill_chunk<kPrefillTokens>(blocks, records.data(), count, x, xs, out + g * kGroupRows, os, tokens);
  }
}

}  // namespace

}  // namespace xc::avx512_rows16_q6k

namespace xc {
bool add_avx512_rows16_q6k(KernelTable& t) {
  t.traits(GgmlType::Q6_K).rows16.rows = avx512_rows16_q6k::rows16_q6k;
  t.traits(GgmlType::Q6_K).prefer_rows16 = true;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_rows16_q6k(KernelTable&) { return false; }
}  // namespace xc

#endif
