// AVX2 attention of a group of query heads, for up to sixteen consecutive query tokens, against one kv
// head (see attention_tokens in cpu-ops.h): each K/V block is widened to f32 once, then scores and
// the value sums are small matrix products over all the (token, head) rows at once (fewer than eight
// rows: one row at a time). A single decode token over an f16 cache goes to attend_decode instead.
// Head sizes 64 and 128 only (others answer false and take the portable loop).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/attention-rows.h"
#include "kernels/cpu/cpu-ops.h"

namespace xc::avx2 {

namespace {

constexpr int kBlock = 64;
constexpr int kMaxHeads = 8;
constexpr int kMaxTokens = 16;

inline __m128 reduce4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

inline void widen(const uint8_t* src, bool f16, int64_t n, float* dst) {
  if (f16) {
    const auto* h = reinterpret_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; i += 8) {
      _mm256_store_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h + i))));
    }
  } else {
    std::memcpy(dst, src, static_cast<size_t>(n) * sizeof(float));
  }
}

// A block's K (or V) rows are one 8 KB run that ends at a page boundary, so the hardware prefetcher
// starts each run cold; and a decode step's K/V comes from memory (the weights streamed through the
// cache since the last step). The next block is fetched while this one is computed.
inline void prefetch(const uint8_t* p, int64_t bytes) {
  for (int64_t b = 0; b < bytes; b += 64) _mm_prefetch(reinterpret_cast<const char*>(p + b), _MM_HINT_T0);
}

constexpr int kMaxRows = kMaxTokens * kMaxHeads;

// A tile of scores: rows (query token, head) eight to a vector, R vectors × K keys, from the
// queries transposed (qt: head_dim × padded rows) and broadcast key elements: no horizontal sums.
template <int R, int K>
inline void score_tile(const float* qt, int64_t rows, const float* keys, int hd, int j, int rv, float* scores) {
  __m256 a[K][R];
  for (int u = 0; u < K; u++) {
    for (int r = 0; r < R; r++) a[u][r] = _mm256_setzero_ps();
  }
  for (int d = 0; d < hd; d++) {
    __m256 qv[R];
    for (int r = 0; r < R; r++) qv[r] = _mm256_load_ps(qt + d * rows + 8 * (rv + r));
    for (int u = 0; u < K; u++) {
      const __m256 k = _mm256_broadcast_ss(keys + (j + u) * hd + d);
      for (int r = 0; r < R; r++) a[u][r] = _mm256_fmadd_ps(qv[r], k, a[u][r]);
    }
  }
  for (int u = 0; u < K; u++) {
    for (int r = 0; r < R; r++) _mm256_store_ps(scores + (j + u) * rows + 8 * (rv + r), a[u][r]);
  }
}

template <int R>
inline void score_rows(const float* qt, int64_t rows, const float* keys, int hd, int count, int rv, float* scores) {
  int j = 0;
  for (; j + 4 <= count; j += 4) score_tile<R, 4>(qt, rows, keys, hd, j, rv, scores);
  for (; j < count; j++) score_tile<R, 1>(qt, rows, keys, hd, j, rv, scores);
}

// The output transposed (ot: head_dim × padded rows) scaled by each row's correction, plus
// probabilities × values: R row vectors × D dims, each value element broadcast.
template <int R, int D>
inline void value_tile(const float* p, int64_t rows, const float* values, int hd, int count, int rv, int d0,
                       const __m256* correction, float* ot) {
  __m256 o[D][R];
  for (int e = 0; e < D; e++) {
    for (int r = 0; r < R; r++) o[e][r] = _mm256_mul_ps(_mm256_load_ps(ot + (d0 + e) * rows + 8 * (rv + r)), correction[rv + r]);
  }
  for (int j = 0; j < count; j++) {
    __m256 pv[R];
    for (int r = 0; r < R; r++) pv[r] = _mm256_load_ps(p + j * rows + 8 * (rv + r));
    for (int e = 0; e < D; e++) {
      const __m256 v = _mm256_broadcast_ss(values + j * hd + d0 + e);
      for (int r = 0; r < R; r++) o[e][r] = _mm256_fmadd_ps(pv[r], v, o[e][r]);
    }
  }
  for (int e = 0; e < D; e++) {
    for (int r = 0; r < R; r++) _mm256_store_ps(ot + (d0 + e) * rows + 8 * (rv + r), o[e][r]);
  }
}

template <int R>
inline void value_rows(const float* p, int64_t rows, const float* values, int hd, int count, int rv,
                       const __m256* correction, float* ot) {
  for (int d0 = 0; d0 < hd; d0 += 4) value_tile<R, 4>(p, rows, values, hd, count, rv, d0, correction, ot);
}

// Row vectors per tile, of `left` still to do: threes, but 4 = 2 + 2 (a one-vector tile loads a
// broadcast per FMA).
inline int row_tile(int left) { return left == 4 || left == 2 ? 2 : std::min(left, 3); }

// Queries of `tokens` consecutive positions (query i: rows q + i·q_stride, window [first[i], last[i]])
// against one kv head, as small matrix products per K/V block: every (token, head) pair is a row, eight
// rows to a vector, so the online softmax's max, exp and sums run across rows without shuffles, and a
// key outside a row's window is a −∞ score (an exact zero weight).
template <int V>
void attend(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
            const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  constexpr int hd = 8 * V;
  const int64_t element = kv.f16 ? 2 : 4;
  const int used = tokens * heads;
  const int vectors = (used + 7) / 8;
  const int64_t rows = 8 * vectors;
  alignas(32) float keys[kBlock * hd];
  alignas(32) float values[kBlock * hd];
  // queries and outputs transposed, and a block's scores: up to 160 KB, off the stack
  struct alignas(32) Tiles {
    float qt[hd * kMaxRows];
    float ot[hd * kMaxRows];
    float scores[kBlock * kMaxRows];
  };
  static thread_local Tiles tiles;
  float* qt = tiles.qt;
  float* ot = tiles.ot;
  float* scores = tiles.scores;
  alignas(32) int row_first[kMaxRows];
  alignas(32) int row_last[kMaxRows];
  __m256 max[kMaxRows / 8], denominator[kMaxRows / 8], correction[kMaxRows / 8];
  const auto [lo, hi, all_first, all_last] =
      cpu::lay_out_query_rows(q, q_stride, tokens, heads, hd, rows, first, last, scale, row_first, row_last, qt);
  std::memset(ot, 0, sizeof(float) * static_cast<size_t>(hd * rows));
  for (int v = 0; v < vectors; v++) max[v] = _mm256_set1_ps(-1e30f), denominator[v] = _mm256_setzero_ps();
  const __m256 minus_infinity = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kBlock});
    widen(kv.pages[page] + kv.key_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, keys);
    widen(kv.pages[page] + kv.value_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, values);
    if (const int next = t + count; next <= hi) {
      const uint8_t* base = kv.pages[next / kv.page_tokens] + (next % kv.page_tokens) * hd * element;
      const int64_t bytes = std::min({kv.page_tokens - next % kv.page_tokens, hi - next + 1, kBlock}) * hd * element;
      prefetch(base + kv.key_offset, bytes);
      prefetch(base + kv.value_offset, bytes);
    }
    for (int rv = 0; rv < vectors;) {
      const int n = row_tile(vectors - rv);
      if (n == 3) score_rows<3>(qt, rows, keys, hd, count, rv, scores);
      else if (n == 2) score_rows<2>(qt, rows, keys, hd, count, rv, scores);
      else score_rows<1>(qt, rows, keys, hd, count, rv, scores);
      rv += n;
    }
    if (softcap_value > 0) {
      for (int64_t at = 0; at < count * rows; at++) scores[at] = softcap_value * std::tanh(scores[at] / softcap_value);
    }
    if (t < all_first || t + count - 1 > all_last) {  // some row's window starts or ends in this block
      for (int j = 0; j < count; j++) {
        const __m256i key = _mm256_set1_epi32(t + j);
        for (int v = 0; v < vectors; v++) {
          const __m256i f = _mm256_load_si256(reinterpret_cast<const __m256i*>(row_first + 8 * v));
          const __m256i l = _mm256_load_si256(reinterpret_cast<const __m256i*>(row_last + 8 * v));
          const __m256 outside = _mm256_castsi256_ps(_mm256_or_si256(_mm256_cmpgt_epi32(f, key), _mm256_cmpgt_epi32(key, l)));
          float* s = scores + j * rows + 8 * v;
          _mm256_store_ps(s, _mm256_blendv_ps(_mm256_load_ps(s), minus_infinity, outside));
        }
      }
    }
    for (int v = 0; v < vectors; v++) {
      __m256 block_max = max[v];
      for (int j = 0; j < count; j++) block_max = _mm256_max_ps(block_max, _mm256_load_ps(scores + j * rows + 8 * v));
      correction[v] = exp_ps(_mm256_sub_ps(max[v], block_max));
      max[v] = block_max;
      __m256 sum = _mm256_mul_ps(denominator[v], correction[v]);
      for (int j = 0; j < count; j++) {
        float* s = scores + j * rows + 8 * v;
        const __m256 x = _mm256_load_ps(s);
        const __m256 e = _mm256_and_ps(exp_ps(_mm256_sub_ps(x, block_max)), _mm256_cmp_ps(x, minus_infinity, _CMP_GT_OQ));
        _mm256_store_ps(s, e);
        sum = _mm256_add_ps(sum, e);
      }
      denominator[v] = sum;
    }
    for (int rv = 0; rv < vectors;) {
      const int n = row_tile(vectors - rv);
      if (n == 3) value_rows<3>(scores, rows, values, hd, count, rv, correction, ot);
      else if (n == 2) value_rows<2>(scores, rows, values, hd, count, rv, correction, ot);
      else value_rows<1>(scores, rows, values, hd, count, rv, correction, ot);
      rv += n;
    }
    t += count;
  }
  alignas(32) float row_max[kMaxRows], row_denominator[kMaxRows];
  for (int v = 0; v < vectors; v++) {
    _mm256_store_ps(row_max + 8 * v, max[v]);
    _mm256_store_ps(row_denominator + 8 * v, denominator[v]);
  }
  for (int r = 0; r < used; r++) {
    const int i = r / heads, h = r % heads;
    if (stats != nullptr) stats[2 * i * heads + h] = row_max[r], stats[(2 * i + 1) * heads + h] = row_denominator[r];
    const float inverse = row_denominator[r] > 0 ? 1.0f / row_denominator[r] : 0.0f;
    float* oh = out + i * out_stride + h * hd;
    for (int d = 0; d < hd; d++) oh[d] = ot[d * rows + r] * inverse;
  }
}

// The same for fewer than eight (token, head) rows (a decode step over an f32 cache, say), where a
// vector of rows would be mostly padding: each row walks the block with its accumulator in registers,
// four keys' scores reduced together.
template <int V>
void attend_by_row(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
            const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  constexpr int hd = 8 * V;
  const int64_t element = kv.f16 ? 2 : 4;
  alignas(32) float keys[kBlock * hd];
  alignas(32) float values[kBlock * hd];
  alignas(16) float scores[kBlock];
  float max[kMaxTokens][kMaxHeads], denominator[kMaxTokens][kMaxHeads];
  int lo = first[0], hi = last[0];
  for (int i = 0; i < tokens; i++) {
    lo = std::min(lo, first[i]), hi = std::max(hi, last[i]);
    for (int h = 0; h < heads; h++) max[i][h] = -std::numeric_limits<float>::infinity(), denominator[i][h] = 0;
    std::memset(out + i * out_stride, 0, sizeof(float) * static_cast<size_t>(heads) * hd);
  }
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kBlock});
    widen(kv.pages[page] + kv.key_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, keys);
    widen(kv.pages[page] + kv.value_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, values);
    const auto key_at = [&](int64_t at) { return _mm256_load_ps(keys + at); };
    const auto value_at = [&](int64_t at) { return _mm256_load_ps(values + at); };
    if (const int next = t + count; next <= hi) {
      const uint8_t* base = kv.pages[next / kv.page_tokens] + (next % kv.page_tokens) * hd * element;
      const int64_t bytes = std::min({kv.page_tokens - next % kv.page_tokens, hi - next + 1, kBlock}) * hd * element;
      prefetch(base + kv.key_offset, bytes);
      prefetch(base + kv.value_offset, bytes);
    }
    for (int i = 0; i < tokens; i++) {
      // this query's part of the block: keys [j0, j1)
      const int j0 = std::max(0, first[i] - t);
      const int j1 = std::min(count, last[i] - t + 1);
      if (j0 >= j1) continue;
      for (int h = 0; h < heads; h++) {
        const float* qh = q + i * q_stride + h * hd;
        int j = j0;
        for (; j + 4 <= j1; j += 4) {
          __m256 a[4];
          for (int u = 0; u < 4; u++) a[u] = _mm256_setzero_ps();
          for (int v = 0; v < V; v++) {
            const __m256 qv = _mm256_loadu_ps(qh + 8 * v);
            for (int u = 0; u < 4; u++) a[u] = _mm256_fmadd_ps(key_at((j + u) * hd + 8 * v), qv, a[u]);
          }
          _mm_storeu_ps(scores + j, _mm_mul_ps(reduce4(a[0], a[1], a[2], a[3]), _mm_set1_ps(scale)));
        }
        for (; j < j1; j++) {
          __m256 a = _mm256_setzero_ps();
          for (int v = 0; v < V; v++) a = _mm256_fmadd_ps(key_at(j * hd + 8 * v), _mm256_loadu_ps(qh + 8 * v), a);
          scores[j] = hsum(a) * scale;
        }
        if (softcap_value > 0) {
          for (j = j0; j < j1; j++) scores[j] = softcap_value * std::tanh(scores[j] / softcap_value);
        }
        float block_max = scores[j0];
        for (j = j0 + 1; j < j1; j++) block_max = std::max(block_max, scores[j]);
        __m256 o[V];
        float* oh = out + i * out_stride + h * hd;
        for (int v = 0; v < V; v++) o[v] = _mm256_loadu_ps(oh + 8 * v);
        float& m_ih = max[i][h];
        float& d_ih = denominator[i][h];
        if (block_max > m_ih) {
          const float correction = std::exp(m_ih - block_max);
          if (d_ih > 0) {
            const __m256 c = _mm256_set1_ps(correction);
            for (int v = 0; v < V; v++) o[v] = _mm256_mul_ps(o[v], c);
          }
          d_ih *= correction;
          m_ih = block_max;
        }
        const __m256 m = _mm256_set1_ps(m_ih);
        __m256 sum = _mm256_setzero_ps();
        for (j = j0; j + 8 <= j1; j += 8) {
          const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(scores + j), m));
          _mm256_storeu_ps(scores + j, e);
          sum = _mm256_add_ps(sum, e);
        }
        d_ih += hsum(sum);
        for (; j < j1; j++) {
          scores[j] = std::exp(scores[j] - m_ih);
          d_ih += scores[j];
        }
        for (j = j0; j < j1; j++) {
          const __m256 p = _mm256_set1_ps(scores[j]);
          for (int v = 0; v < V; v++) o[v] = _mm256_fmadd_ps(p, value_at(j * hd + 8 * v), o[v]);
        }
        for (int v = 0; v < V; v++) _mm256_storeu_ps(oh + 8 * v, o[v]);
      }
    }
    t += count;
  }
  for (int i = 0; stats != nullptr && i < tokens; i++) {
    for (int h = 0; h < heads; h++) stats[2 * i * heads + h] = max[i][h], stats[(2 * i + 1) * heads + h] = denominator[i][h];
  }
  for (int i = 0; i < tokens; i++) {
    for (int h = 0; h < heads; h++) {
      if (denominator[i][h] <= 0) continue;
      const __m256 inverse = _mm256_set1_ps(1.0f / denominator[i][h]);
      float* oh = out + i * out_stride + h * hd;
      for (int v = 0; v < V; v++) _mm256_storeu_ps(oh + 8 * v, _mm256_mul_ps(_mm256_loadu_ps(oh + 8 * v), inverse));
    }
  }
}

}  // namespace

bool attend_group(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                  float softcap_value, float* out) {
  return attend_tokens(kv, q, 0, 1, heads, &first, &last, scale, softcap_value, out, 0, nullptr);
}

bool attend_tokens(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
                   const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  if (tokens == 1 && kv.f16) return attend_decode(kv, q, heads, first[0], last[0], scale, softcap_value, out, stats);
  if (heads > kMaxHeads || tokens > kMaxTokens || tokens < 1) return false;
  if (tokens * heads < 8) {
    switch (kv.head_dim) {
      case 64: attend_by_row<8>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      case 128: attend_by_row<16>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      default: return false;
    }
  }
  switch (kv.head_dim) {
    case 64: attend<8>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
    case 128: attend<16>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
    default: return false;
  }
}

}  // namespace xc::avx2

#else

namespace xc::avx2 {
bool attend_tokens(const cpu::KvHeadView&, const float*, int64_t, int, int, const int*, const int*, float, float, float*,
                   int64_t, float*) {
  return false;
}
}  // namespace xc::avx2

#endif
