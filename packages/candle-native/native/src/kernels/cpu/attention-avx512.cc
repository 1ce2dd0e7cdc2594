// AVX-512 attention of a group of query heads for runs of consecutive query tokens, any number of
// them, against one kv head (attention_tokens' contract): tiles of six (token, head) rows against
// each 64-key block, the block's keys widened and transposed once for all the tiles (so each K/V row
// read from the cache serves every query of the run), scores and value sums as 6 × 64 register tiles,
// the online softmax on the tile's scores while they are in registers (from two tokens on: 1.1–2.5×
// less CPU than the AVX2 kernel's row vectors at 2–14 rows). A single decode token goes to
// attend_decode (attention-decode-avx512.cc) over an f16 cache, to the AVX2 kernels over an f32 one.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <vector>

#include "kernels/cpu/attention-tokens-driver.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/avx512-attention.h"

namespace xc::avx512 {

bool attend_decode(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                   float softcap_value, float* out, float* stats);

using namespace avx512_attention;

namespace {

// Query rows against key lanes, for many (token, head) rows: tiles of kTileRows rows against each
// 64-key block, the block's keys widened and transposed once (dimension-major, 64 key lanes) and its
// values widened once, for every tile. Scores of a tile are 6 rows × 4 key vectors in registers (each
// query element broadcast), the online softmax runs on them there (per row: max, exp, sum), and the
// value sums are 6 rows × 4 vectors of 16 head dimensions (each probability broadcast), added into
// the tile's row-major accumulators. A tile skips the blocks outside all of its rows' windows, so a
// run of prompt tokens does not score the keys past its causal end.
constexpr int kTileRows = 6;
constexpr int kLaneBlock = cpu::kTokensBlock;  // four 16-lane key vectors

template <int HD>
struct alignas(64) LaneBlock {
  float keys[HD * kLaneBlock];    // dimension-major: keys[d · 64 + j]
  float values[kLaneBlock * HD];  // key-major
  float p[kTileRows * kLaneBlock];
};

// A thread's per-call buffers, grown to the largest call: the scaled queries and the tiles' output
// accumulators, row after row, and each row's softmax stats.
struct LaneRows {
  std::vector<float> storage;
  std::vector<int> windows;  // each row's first and last key (its token's), row after row
  float* packed = nullptr;
  float* acc = nullptr;
  float* max = nullptr;
  float* denominator = nullptr;
  void size_for(int64_t tiles, int hd) {
    const int64_t floats = tiles * kTileRows * hd;
    const int64_t need = 2 * floats + 17 * tiles * kTileRows + 16;
    if (static_cast<int64_t>(storage.size()) < need) storage.resize(static_cast<size_t>(need));
    auto at = reinterpret_cast<uintptr_t>(storage.data());
    packed = reinterpret_cast<float*>((at + 63) & ~static_cast<uintptr_t>(63));
    acc = packed + floats;
    denominator = acc + floats;  // 16 partial sums a row
    max = denominator + 16 * tiles * kTileRows;
    if (static_cast<int64_t>(windows.size()) < 2 * tiles * kTileRows) windows.resize(static_cast<size_t>(2 * tiles * kTileRows));
  }
};

// The thread's buffers, their address taken once per call: in the addon (a shared library) each
// thread_local access inside the loops was a __tls_get_addr call.
template <int HD>
__attribute__((noinline)) LaneBlock<HD>* lane_block() {
  static thread_local LaneBlock<HD> block;
  return &block;
}
__attribute__((noinline)) inline LaneRows* lane_rows() {
  static thread_local LaneRows rows;
  return &rows;
}

inline void transpose16(__m512* r) {
  __m512 t[16];
  for (int i = 0; i < 8; i++) {
    t[2 * i] = _mm512_unpacklo_ps(r[2 * i], r[2 * i + 1]);
    t[2 * i + 1] = _mm512_unpackhi_ps(r[2 * i], r[2 * i + 1]);
  }
  for (int i = 0; i < 4; i++) {
    const __m512d a = _mm512_castps_pd(t[4 * i]), b = _mm512_castps_pd(t[4 * i + 1]);
    const __m512d c = _mm512_castps_pd(t[4 * i + 2]), d = _mm512_castps_pd(t[4 * i + 3]);
    r[4 * i] = _mm512_castpd_ps(_mm512_unpacklo_pd(a, c));
    r[4 * i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(a, c));
    r[4 * i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(b, d));
    r[4 * i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(b, d));
  }
  for (int i = 0; i < 2; i++) {
    for (int j = 0; j < 4; j++) {
      t[8 * i + j] = _mm512_shuffle_f32x4(r[8 * i + j], r[8 * i + 4 + j], 0x88);
      t[8 * i + 4 + j] = _mm512_shuffle_f32x4(r[8 * i + j], r[8 * i + 4 + j], 0xdd);
    }
  }
  for (int j = 0; j < 8; j++) {
    r[j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0x88);
    r[8 + j] = _mm512_shuffle_f32x4(t[j], t[8 + j], 0xdd);
  }
}

inline __m512 kv_row16(const uint8_t* base, bool f16, int64_t element_index) {
  if (f16) return widen16(reinterpret_cast<const uint16_t*>(base) + element_index);
  return _mm512_loadu_ps(reinterpret_cast<const float*>(base) + element_index);
}

// Keys [0, count) of a block as f32, transposed; key lanes from count on zero.
template <int HD>
void load_block(const uint8_t* keys, const uint8_t* values, bool f16, int count, LaneBlock<HD>& b) {
  for (int j0 = 0; j0 < kLaneBlock; j0 += 16) {
    for (int d0 = 0; d0 < HD; d0 += 16) {
      __m512 r[16];
      for (int i = 0; i < 16; i++) r[i] = j0 + i < count ? kv_row16(keys, f16, static_cast<int64_t>(j0 + i) * HD + d0) : _mm512_setzero_ps();
      transpose16(r);
      for (int i = 0; i < 16; i++) _mm512_store_ps(b.keys + (d0 + i) * kLaneBlock + j0, r[i]);
    }
  }
  for (int64_t e = 0; e < static_cast<int64_t>(count) * HD; e += 16) _mm512_store_ps(b.values + e, kv_row16(values, f16, e));
}

// Scores of R rows × the block's first C key vectors (the others zero: no row's live keys are there).
template <int HD, int R, int C>
inline void score_tile(const float* packed, const LaneBlock<HD>& b, __m512 (&s)[R][4]) {
  for (int r = 0; r < R; r++) {
    for (int c = 0; c < 4; c++) s[r][c] = _mm512_setzero_ps();
  }
  for (int d = 0; d < HD; d++) {
    __m512 k[C];
    for (int c = 0; c < C; c++) k[c] = _mm512_load_ps(b.keys + d * kLaneBlock + 16 * c);
    for (int r = 0; r < R; r++) {
      const __m512 qv = _mm512_set1_ps(packed[r * HD + d]);
      for (int c = 0; c < C; c++) s[r][c] = _mm512_fmadd_ps(qv, k[c], s[r][c]);
    }
  }
}

// One tile of R rows against the block of `count` keys from key t: live keys of row r are
// [lo[r], hi[r]] in block coordinates (empty: lo > hi).
template <int HD, int R>
void lane_tile(const float* packed, float* acc, float* max, float* denominator, const int* lo, const int* hi, int count,
               float softcap_value, LaneBlock<HD>& b) {
  // key vectors holding any row's live keys (a causal run's last block needs fewer)
  int top = -1;
  for (int r = 0; r < R; r++) top = lo[r] <= hi[r] ? std::max(top, hi[r]) : top;
  __m512 s[R][4];
  switch (top / 16) {
    case 0: score_tile<HD, R, 1>(packed, b, s); break;
    case 1: score_tile<HD, R, 2>(packed, b, s); break;
    case 2: score_tile<HD, R, 3>(packed, b, s); break;
    default: score_tile<HD, R, 4>(packed, b, s); break;
  }
  // per row: its live keys' mask and block max; then every row's new max and correction at once
  int j_lo = count, j_hi = -1;
  const __m512i lane = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m512 minus_infinity = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  __mmask16 live[R][4];
  alignas(64) float block_max[16];
  _mm512_store_ps(block_max, minus_infinity);  // lanes past R too: no uninitialised lanes in the vector below
  for (int r = 0; r < R; r++) {
    if (lo[r] > hi[r]) {  // no key of this row here: its max stays, its probabilities are zero
      block_max[r] = -std::numeric_limits<float>::infinity();
      for (int c = 0; c < 4; c++) live[r][c] = 0;
      continue;
    }
    j_lo = std::min(j_lo, lo[r]), j_hi = std::max(j_hi, hi[r]);
    if (softcap_value > 0) {
      alignas(64) float x[kLaneBlock];
      for (int c = 0; c < 4; c++) _mm512_store_ps(x + 16 * c, s[r][c]);
      for (int j = 0; j < kLaneBlock; j++) x[j] = softcap_value * std::tanh(x[j] / softcap_value);
      for (int c = 0; c < 4; c++) s[r][c] = _mm512_load_ps(x + 16 * c);
    }
    if (lo[r] == 0 && hi[r] == kLaneBlock - 1) {
      for (int c = 0; c < 4; c++) live[r][c] = static_cast<__mmask16>(0xffff);
    } else {
      for (int c = 0; c < 4; c++) {
        const __m512i key = _mm512_add_epi32(lane, _mm512_set1_epi32(16 * c));
        live[r][c] = static_cast<__mmask16>(_mm512_cmpge_epi32_mask(key, _mm512_set1_epi32(lo[r])) &
                                            _mm512_cmple_epi32_mask(key, _mm512_set1_epi32(hi[r])));
        s[r][c] = _mm512_mask_mov_ps(minus_infinity, live[r][c], s[r][c]);
      }
    }
    block_max[r] = _mm512_reduce_max_ps(_mm512_max_ps(_mm512_max_ps(s[r][0], s[r][1]), _mm512_max_ps(s[r][2], s[r][3])));
  }
  const __mmask16 used = static_cast<__mmask16>((1u << R) - 1);
  const __m512 old_max = _mm512_maskz_loadu_ps(used, max);
  const __m512 new_max = _mm512_max_ps(old_max, _mm512_load_ps(block_max));
  // 1 where the max stays (−∞ included); e^(−87) ≈ 0 against a first block's zero sums
  const __m512 scale_by = _mm512_mask_blend_ps(_mm512_cmp_ps_mask(old_max, new_max, _CMP_EQ_OQ),
                                               exp16(_mm512_sub_ps(old_max, new_max)), _mm512_set1_ps(1.0f));
  // a block that moves no row's max leaves the sums as they are (× 1 is exact)
  const bool rescale = _mm512_mask_cmp_ps_mask(used, scale_by, _mm512_set1_ps(1.0f), _CMP_NEQ_UQ) != 0;
  alignas(64) float correction[16], row_max[16];
  _mm512_store_ps(correction, scale_by);
  _mm512_store_ps(row_max, new_max);
  _mm512_mask_storeu_ps(max, used, new_max);
  for (int r = 0; r < R; r++) {
    float* p = b.p + r * kLaneBlock;
    const __m512 m = _mm512_set1_ps(row_max[r]);
    __m512 e[4];
    for (int c = 0; c < 4; c++) {
      e[c] = live[r][c] == 0 ? _mm512_setzero_ps() : _mm512_maskz_mov_ps(live[r][c], exp16_at_most_zero(_mm512_sub_ps(s[r][c], m)));
      _mm512_store_ps(p + 16 * c, e[c]);
    }
    // the fused first step is the rounding the compiler's contraction of (old sum · correction + e₀) gave
    __m512 sum = _mm512_fmadd_ps(_mm512_load_ps(denominator + 16 * r), _mm512_set1_ps(correction[r]), e[0]);
    for (int c = 1; c < 4; c++) sum = _mm512_add_ps(sum, e[c]);
    _mm512_store_ps(denominator + 16 * r, sum);
  }
  for (int d0 = 0; d0 < HD; d0 += 64) {
    __m512 o[R][4];
    for (int r = 0; r < R; r++) {
      for (int e = 0; e < 4; e++) o[r][e] = _mm512_load_ps(acc + r * HD + d0 + 16 * e);
    }
    if (rescale) {
      for (int r = 0; r < R; r++) {
        const __m512 c = _mm512_set1_ps(correction[r]);
        for (int e = 0; e < 4; e++) o[r][e] = _mm512_mul_ps(o[r][e], c);
      }
    }
    for (int j = j_lo; j <= j_hi; j++) {
      __m512 v[4];
      for (int e = 0; e < 4; e++) v[e] = _mm512_load_ps(b.values + j * HD + d0 + 16 * e);
      for (int r = 0; r < R; r++) {
        const __m512 pv = _mm512_set1_ps(b.p[r * kLaneBlock + j]);
        for (int e = 0; e < 4; e++) o[r][e] = _mm512_fmadd_ps(pv, v[e], o[r][e]);
      }
    }
    for (int r = 0; r < R; r++) {
      for (int e = 0; e < 4; e++) _mm512_store_ps(acc + r * HD + d0 + 16 * e, o[r][e]);
    }
  }
}

// attention_tokens' contract for any number of tokens and heads (row r: token r / heads, head
// r % heads).
template <int HD>
void attend_lanes(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
                  const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  LaneBlock<HD>& block = *lane_block<HD>();
  LaneRows& buffers = *lane_rows();
  const int rows = tokens * heads;
  const int tiles = (rows + kTileRows - 1) / kTileRows;
  buffers.size_for(tiles, HD);
  float* packed = buffers.packed;
  float* acc = buffers.acc;
  float* max = buffers.max;
  float* denominator = buffers.denominator;
  // every row's queries are written below: only the last tile's rows past `rows` need zeros
  std::memset(packed + static_cast<int64_t>(tiles - 1) * kTileRows * HD, 0, sizeof(float) * kTileRows * HD);
  std::memset(acc, 0, sizeof(float) * static_cast<size_t>(tiles) * kTileRows * HD);
  int lo = first[0], hi = last[0];
  for (int i = 0; i < tokens; i++) lo = std::min(lo, first[i]), hi = std::max(hi, last[i]);
  for (int r = 0; r < rows; r++) {
    const int i = r / heads, h = r % heads;
    float* row = packed + static_cast<int64_t>(r) * HD;
    const float* qr = q + i * q_stride + static_cast<int64_t>(h) * HD;
    for (int d = 0; d < HD; d++) row[d] = qr[d] * scale;
    buffers.windows[2 * r] = first[i], buffers.windows[2 * r + 1] = last[i];
    max[r] = -std::numeric_limits<float>::infinity();
    _mm512_store_ps(denominator + 16 * r, _mm512_setzero_ps());
  }
  const int64_t element = kv.f16 ? 2 : 4;
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kLaneBlock});
    const uint8_t* base = kv.pages[page] + start * HD * element;
    load_block<HD>(base + kv.key_offset, base + kv.value_offset, kv.f16, count, block);
    cpu::Requests key_requests, value_requests;
    cpu::next_block_requests(kv, t + count, hi, HD, element, std::min(tiles, 16), key_requests, value_requests);
    for (int tile = 0; tile < tiles; tile++) {
      key_requests.next(), value_requests.next();
      const int r0 = tile * kTileRows;
      const int n = std::min(kTileRows, rows - r0);
      int row_lo[kTileRows], row_hi[kTileRows];
      bool any = false;
      const int* window = buffers.windows.data() + 2 * r0;
      for (int r = 0; r < n; r++) {
        row_lo[r] = std::max(window[2 * r] - t, 0), row_hi[r] = std::min(window[2 * r + 1] - t, count - 1);
        any = any || row_lo[r] <= row_hi[r];
      }
      if (!any) continue;
      const float* pt = packed + static_cast<int64_t>(r0) * HD;
      float* at = acc + static_cast<int64_t>(r0) * HD;
      switch (n) {
        case 6: lane_tile<HD, 6>(pt, at, max + r0, denominator + 16 * r0, row_lo, row_hi, count, softcap_value, block); break;
        case 5: lane_tile<HD, 5>(pt, at, max + r0, denominator + 16 * r0, row_lo, row_hi, count, softcap_value, block); break;
        case 4: lane_tile<HD, 4>(pt, at, max + r0, denominator + 16 * r0, row_lo, row_hi, count, softcap_value, block); break;
        case 3: lane_tile<HD, 3>(pt, at, max + r0, denominator + 16 * r0, row_lo, row_hi, count, softcap_value, block); break;
        case 2: lane_tile<HD, 2>(pt, at, max + r0, denominator + 16 * r0, row_lo, row_hi, count, softcap_value, block); break;
        default: lane_tile<HD, 1>(pt, at, max + r0, denominator + 16 * r0, row_lo, row_hi, count, softcap_value, block); break;
      }
    }
    t += count;
  }
  for (int r = 0; r < rows; r++) {
    const int i = r / heads, h = r % heads;
    const float total = _mm512_reduce_add_ps(_mm512_load_ps(denominator + 16 * r));
    if (stats != nullptr) stats[2 * i * heads + h] = max[r], stats[(2 * i + 1) * heads + h] = total;
    const __m512 inverse = _mm512_set1_ps(total > 0 ? 1.0f / total : 0.0f);
    float* o = out + i * out_stride + static_cast<int64_t>(h) * HD;
    for (int d = 0; d < HD; d += 16) _mm512_storeu_ps(o + d, _mm512_mul_ps(_mm512_load_ps(acc + static_cast<int64_t>(r) * HD + d), inverse));
  }
}

bool attend_tokens(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
                   const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  if (tokens == 1 && kv.f16) return attend_decode(kv, q, heads, first[0], last[0], scale, softcap_value, out, stats);
  if (tokens >= 2) {
    switch (kv.head_dim) {
      case 64: attend_lanes<64>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      case 128: attend_lanes<128>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      default: break;
    }
  }
  return avx2::attend_tokens(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats);
}

bool attend_group(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                  float softcap_value, float* out) {
  return attend_tokens(kv, q, 0, 1, heads, &first, &last, scale, softcap_value, out, 0, nullptr);
}

}  // namespace

}  // namespace xc::avx512

namespace xc {
bool add_avx512_attention(KernelTable& t) {
  t.attend_tokens = avx512::attend_tokens;
  t.attend_group = avx512::attend_group;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_attention(KernelTable&) { return false; }
}  // namespace xc

#endif
