// AVX-512 attention of a group of query heads, for up to sixteen consecutive query tokens, against one
// kv head (attention_tokens' contract; the AVX2 twin is attention-avx2.cc): each K/V block is widened
// to f32 once, then scores and value sums are small matrix products over every (token, head) row at
// once, sixteen rows to a vector, tiles of three row vectors × eight keys (scores) or eight head
// dimensions (values) held in registers, each key or value element broadcast from memory into its
// FMA. Fewer than sixteen rows, and f32 caches' single decode tokens, go to the AVX2 kernels; a single
// decode token over an f16 cache to attend_decode (attention-decode-avx512.cc).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/avx512-attention.h"
#include "kernels/cpu/attention-rows.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kv-prefetch.h"

namespace xc::avx512 {

bool attend_decode(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                   float softcap_value, float* out, float* stats);

using namespace avx512_attention;

namespace {

constexpr int kBlock = 64;
constexpr int kMaxHeads = 8;
constexpr int kMaxTokens = 16;
constexpr int kMaxRows = kMaxTokens * kMaxHeads;
constexpr int kMaxVectors = kMaxRows / 16;

inline void widen(const uint8_t* src, bool f16, int64_t n, float* dst) {
  if (f16) {
    const auto* h = reinterpret_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; i += 16) _mm512_store_ps(dst + i, widen16(h + i));
  } else {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
  }
}

// Requests a run of rows a piece at a time (one piece per tile of keys or values), so the misses
// trickle out beside the arithmetic instead of stalling it behind a full miss queue.
struct Requests {
  const uint8_t* at = nullptr;
  int64_t left = 0;
  int64_t piece = 0;
  void next() {
    if (left <= 0) return;
    const int64_t n = std::min(piece, left);
    cpu::prefetch(at, n);
    at += n, left -= n;
  }
};

// The next block's K rows (keys) and V rows (values), each in `pieces` pieces.
inline void next_block_requests(const cpu::KvHeadView& kv, int next, int hi, int hd, int64_t element, int pieces,
                                Requests& keys, Requests& values) {
  keys.left = values.left = 0;
  if (next > hi) return;
  const uint8_t* base = kv.pages[next / kv.page_tokens] + (next % kv.page_tokens) * hd * element;
  const int64_t bytes = std::min({kv.page_tokens - next % kv.page_tokens, hi - next + 1, kBlock}) * hd * element;
  const int64_t piece = ((bytes + pieces - 1) / pieces + 63) / 64 * 64;
  keys = Requests{base + kv.key_offset, bytes, piece};
  values = Requests{base + kv.value_offset, bytes, piece};
}

// Scores of R row vectors × K keys from the transposed queries (qt: head_dim × rows).
template <int R, int K>
inline void score_tile(const float* qt, int64_t rows, const float* keys, int hd, int j, int rv, float* scores) {
  __m512 a[K][R];
  for (int u = 0; u < K; u++) {
    for (int r = 0; r < R; r++) a[u][r] = _mm512_setzero_ps();
  }
  for (int d = 0; d < hd; d++) {
    __m512 qv[R];
    for (int r = 0; r < R; r++) qv[r] = _mm512_load_ps(qt + d * rows + 16 * (rv + r));
    for (int u = 0; u < K; u++) {
      const __m512 k = _mm512_set1_ps(keys[(j + u) * hd + d]);
      for (int r = 0; r < R; r++) a[u][r] = _mm512_fmadd_ps(qv[r], k, a[u][r]);
    }
  }
  for (int u = 0; u < K; u++) {
    for (int r = 0; r < R; r++) _mm512_store_ps(scores + (j + u) * rows + 16 * (rv + r), a[u][r]);
  }
}

template <int R>
inline void score_rows(const float* qt, int64_t rows, const float* keys, int hd, int count, int rv, float* scores,
                       Requests& requests) {
  int j = 0;
  for (; j + 8 <= count; j += 8) requests.next(), score_tile<R, 8>(qt, rows, keys, hd, j, rv, scores);
  for (; j < count; j++) score_tile<R, 1>(qt, rows, keys, hd, j, rv, scores);
}

// The transposed output (ot: head_dim × rows) times each row's correction, plus probabilities ×
// values: R row vectors × D dims.
template <int R, int D>
inline void value_tile(const float* p, int64_t rows, const float* values, int hd, int count, int rv, int d0,
                       const __m512* correction, float* ot) {
  __m512 o[D][R];
  for (int e = 0; e < D; e++) {
    for (int r = 0; r < R; r++) o[e][r] = _mm512_mul_ps(_mm512_load_ps(ot + (d0 + e) * rows + 16 * (rv + r)), correction[rv + r]);
  }
  for (int j = 0; j < count; j++) {
    __m512 pv[R];
    for (int r = 0; r < R; r++) pv[r] = _mm512_load_ps(p + j * rows + 16 * (rv + r));
    for (int e = 0; e < D; e++) {
      const __m512 v = _mm512_set1_ps(values[j * hd + d0 + e]);
      for (int r = 0; r < R; r++) o[e][r] = _mm512_fmadd_ps(pv[r], v, o[e][r]);
    }
  }
  for (int e = 0; e < D; e++) {
    for (int r = 0; r < R; r++) _mm512_store_ps(ot + (d0 + e) * rows + 16 * (rv + r), o[e][r]);
  }
}

template <int R>
inline void value_rows(const float* p, int64_t rows, const float* values, int hd, int count, int rv,
                       const __m512* correction, float* ot, Requests& requests) {
  for (int d0 = 0; d0 < hd; d0 += 8) requests.next(), value_tile<R, 8>(p, rows, values, hd, count, rv, d0, correction, ot);
}

// Row vectors per tile, of `left` still to do: threes, but 4 = 2 + 2.
inline int row_tile(int left) { return left == 4 || left == 2 ? 2 : std::min(left, 3); }

// As avx2's attend: (token, head) pairs are rows, a key outside a row's window a −∞ score.
template <int HD>
void attend(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
            const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  constexpr int hd = HD;
  const int64_t element = kv.f16 ? 2 : 4;
  const int used = tokens * heads;
  const int vectors = (used + 15) / 16;
  const int64_t rows = 16 * vectors;
  struct alignas(64) Tiles {
    float keys[kBlock * hd];
    float values[kBlock * hd];
    float qt[hd * kMaxRows];
    float ot[hd * kMaxRows];
    float scores[kBlock * kMaxRows];
  };
  static thread_local Tiles tiles;
  float* keys = tiles.keys;
  float* values = tiles.values;
  float* qt = tiles.qt;
  float* ot = tiles.ot;
  float* scores = tiles.scores;
  alignas(64) int row_first[kMaxRows];
  alignas(64) int row_last[kMaxRows];
  __m512 max[kMaxVectors], denominator[kMaxVectors], correction[kMaxVectors];
  const auto [lo, hi, all_first, all_last] =
      cpu::lay_out_query_rows(q, q_stride, tokens, heads, hd, rows, first, last, scale, row_first, row_last, qt);
  std::memset(ot, 0, sizeof(float) * static_cast<size_t>(hd * rows));
  for (int v = 0; v < vectors; v++) max[v] = _mm512_set1_ps(-1e30f), denominator[v] = _mm512_setzero_ps();
  const __m512 minus_infinity = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kBlock});
    widen(kv.pages[page] + kv.key_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, keys);
    widen(kv.pages[page] + kv.value_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, values);
    Requests key_requests, value_requests;
    next_block_requests(kv, t + count, hi, hd, element, 8, key_requests, value_requests);
    for (int rv = 0; rv < vectors;) {
      const int n = row_tile(vectors - rv);
      if (n == 3) score_rows<3>(qt, rows, keys, hd, count, rv, scores, key_requests);
      else if (n == 2) score_rows<2>(qt, rows, keys, hd, count, rv, scores, key_requests);
      else score_rows<1>(qt, rows, keys, hd, count, rv, scores, key_requests);
      rv += n;
    }
    if (softcap_value > 0) {
      for (int64_t at = 0; at < count * rows; at++) scores[at] = softcap_value * std::tanh(scores[at] / softcap_value);
    }
    if (t < all_first || t + count - 1 > all_last) {  // some row's window starts or ends in this block
      for (int j = 0; j < count; j++) {
        const __m512i key = _mm512_set1_epi32(t + j);
        for (int v = 0; v < vectors; v++) {
          const __m512i f = _mm512_load_si512(row_first + 16 * v);
          const __m512i l = _mm512_load_si512(row_last + 16 * v);
          const __mmask16 outside = _mm512_cmpgt_epi32_mask(f, key) | _mm512_cmpgt_epi32_mask(key, l);
          float* s = scores + j * rows + 16 * v;
          _mm512_store_ps(s, _mm512_mask_mov_ps(_mm512_load_ps(s), outside, minus_infinity));
        }
      }
    }
    for (int v = 0; v < vectors; v++) {
      __m512 block_max = max[v];
      for (int j = 0; j < count; j++) block_max = _mm512_max_ps(block_max, _mm512_load_ps(scores + j * rows + 16 * v));
      correction[v] = exp16(_mm512_sub_ps(max[v], block_max));
      max[v] = block_max;
      __m512 sum = _mm512_mul_ps(denominator[v], correction[v]);
      for (int j = 0; j < count; j++) {
        float* s = scores + j * rows + 16 * v;
        const __m512 x = _mm512_load_ps(s);
        const __m512 e = _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, minus_infinity, _CMP_GT_OQ), exp16(_mm512_sub_ps(x, block_max)));
        _mm512_store_ps(s, e);
        sum = _mm512_add_ps(sum, e);
      }
      denominator[v] = sum;
    }
    for (int rv = 0; rv < vectors;) {
      const int n = row_tile(vectors - rv);
      if (n == 3) value_rows<3>(scores, rows, values, hd, count, rv, correction, ot, value_requests);
      else if (n == 2) value_rows<2>(scores, rows, values, hd, count, rv, correction, ot, value_requests);
      else value_rows<1>(scores, rows, values, hd, count, rv, correction, ot, value_requests);
      rv += n;
    }
    t += count;
  }
  alignas(64) float row_max[kMaxRows], row_denominator[kMaxRows];
  for (int v = 0; v < vectors; v++) {
    _mm512_store_ps(row_max + 16 * v, max[v]);
    _mm512_store_ps(row_denominator + 16 * v, denominator[v]);
  }
  for (int r = 0; r < used; r++) {
    const int i = r / heads, h = r % heads;
    if (stats != nullptr) stats[2 * i * heads + h] = row_max[r], stats[(2 * i + 1) * heads + h] = row_denominator[r];
    const float inverse = row_denominator[r] > 0 ? 1.0f / row_denominator[r] : 0.0f;
    float* oh = out + i * out_stride + h * hd;
    for (int d = 0; d < hd; d++) oh[d] = ot[d * rows + r] * inverse;
  }
}

bool attend_tokens(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
                   const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  if (tokens == 1 && kv.f16) return attend_decode(kv, q, heads, first[0], last[0], scale, softcap_value, out, stats);
  if (heads <= kMaxHeads && tokens <= kMaxTokens && tokens >= 1 && tokens * heads >= 16) {
    switch (kv.head_dim) {
      case 64: attend<64>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      case 128: attend<128>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
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
