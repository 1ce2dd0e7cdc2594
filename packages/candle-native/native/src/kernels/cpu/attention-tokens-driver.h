#pragma once

// The ISA-independent part of the AVX2 multi-token attention kernel (attention-avx2.cc; the AVX-512
// one, attention-avx512.cc, takes only its block size and K/V requests; attention_tokens' contract in
// cpu-ops.h): every (token, head) pair is a row,
// kLanes rows to a vector, so the online softmax's max, exp and sums run across rows without shuffles,
// and a key outside a row's window is a −∞ score (an exact zero weight). Each K/V block is widened to
// f32 once; scores and value sums are small matrix products over all the rows at once, tiles of up to
// three row vectors × kScoreKeys keys (scores) or kValueDims head dimensions (values) held in
// registers, each key or value element broadcast into its FMA.
// Isa supplies the vector primitives (Vec, kLanes, zero, set1, load, store, broadcast, widen, add, sub,
// mul, max, fmadd, exp), the tile sizes, kBlocksOnStack (where the widened K/V block lives: measured
// per ISA, the other place cost AVX2 2–4% and AVX-512 30%), kRequestPieces (the next block's K and V rows are requested in
// that many pieces, one per tile; 1: all at once, before the scores) and the two masked steps:
// mask_window (a row's score −∞ outside its window) and exp_live (e^(x − max), 0 where x is −∞).
// Include only from a file compiled with Isa's instruction set, after defining its traits there.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/cpu/attention-rows.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kv-prefetch.h"

namespace xc::cpu {
// Internal linkage: each instantiation stays in the file (and instruction set) that made it.
namespace {

constexpr int kTokensBlock = 64;
constexpr int kTokensMaxHeads = 8;
constexpr int kTokensMaxTokens = 16;
constexpr int kTokensMaxRows = kTokensMaxTokens * kTokensMaxHeads;

// n K or V elements of a block as f32 (dst aligned to a vector).
template <class Isa>
inline void widen_rows(const uint8_t* src, bool f16, int64_t n, float* dst) {
  if (f16) {
    const auto* h = reinterpret_cast<const uint16_t*>(src);
    for (int64_t i = 0; i < n; i += Isa::kLanes) Isa::store(dst + i, Isa::widen(h + i));
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
    prefetch(at, n);
    at += n, left -= n;
  }
};

// The block from key `next` on: its K rows (keys) and V rows (values), each in `pieces` pieces.
inline void next_block_requests(const KvHeadView& kv, int next, int hi, int hd, int64_t element, int pieces,
                                Requests& keys, Requests& values) {
  keys.left = values.left = 0;
  if (next > hi) return;
  const uint8_t* base = kv.pages[next / kv.page_tokens] + (next % kv.page_tokens) * hd * element;
  const int64_t bytes = std::min({kv.page_tokens - next % kv.page_tokens, hi - next + 1, kTokensBlock}) * hd * element;
  const int64_t piece = ((bytes + pieces - 1) / pieces + 63) / 64 * 64;
  keys = Requests{base + kv.key_offset, bytes, piece};
  values = Requests{base + kv.value_offset, bytes, piece};
}

// Scores of R row vectors × K keys from the transposed queries (qt: head_dim × rows).
template <class Isa, int R, int K>
inline void score_tile(const float* qt, int64_t rows, const float* keys, int hd, int j, int rv, float* scores) {
  constexpr int w = Isa::kLanes;
  typename Isa::Vec a[K][R];
  for (int u = 0; u < K; u++) {
    for (int r = 0; r < R; r++) a[u][r] = Isa::zero();
  }
  for (int d = 0; d < hd; d++) {
    typename Isa::Vec qv[R];
    for (int r = 0; r < R; r++) qv[r] = Isa::load(qt + d * rows + w * (rv + r));
    for (int u = 0; u < K; u++) {
      const typename Isa::Vec k = Isa::broadcast(keys + (j + u) * hd + d);
      for (int r = 0; r < R; r++) a[u][r] = Isa::fmadd(qv[r], k, a[u][r]);
    }
  }
  for (int u = 0; u < K; u++) {
    for (int r = 0; r < R; r++) Isa::store(scores + (j + u) * rows + w * (rv + r), a[u][r]);
  }
}

template <class Isa, int R>
inline void score_rows(const float* qt, int64_t rows, const float* keys, int hd, int count, int rv, float* scores,
                       Requests& requests) {
  constexpr int K = Isa::kScoreKeys;
  int j = 0;
  for (; j + K <= count; j += K) {
    if constexpr (Isa::kRequestPieces > 1) requests.next();
    score_tile<Isa, R, K>(qt, rows, keys, hd, j, rv, scores);
  }
  for (; j < count; j++) score_tile<Isa, R, 1>(qt, rows, keys, hd, j, rv, scores);
}

// The transposed output (ot: head_dim × rows) times each row's correction, plus probabilities ×
// values: R row vectors × D dims.
template <class Isa, int R, int D>
inline void value_tile(const float* p, int64_t rows, const float* values, int hd, int count, int rv, int d0,
                       const typename Isa::Vec* correction, float* ot) {
  constexpr int w = Isa::kLanes;
  typename Isa::Vec o[D][R];
  for (int e = 0; e < D; e++) {
    for (int r = 0; r < R; r++) o[e][r] = Isa::mul(Isa::load(ot + (d0 + e) * rows + w * (rv + r)), correction[rv + r]);
  }
  for (int j = 0; j < count; j++) {
    typename Isa::Vec pv[R];
    for (int r = 0; r < R; r++) pv[r] = Isa::load(p + j * rows + w * (rv + r));
    for (int e = 0; e < D; e++) {
      const typename Isa::Vec v = Isa::broadcast(values + j * hd + d0 + e);
      for (int r = 0; r < R; r++) o[e][r] = Isa::fmadd(pv[r], v, o[e][r]);
    }
  }
  for (int e = 0; e < D; e++) {
    for (int r = 0; r < R; r++) Isa::store(ot + (d0 + e) * rows + w * (rv + r), o[e][r]);
  }
}

template <class Isa, int R>
inline void value_rows(const float* p, int64_t rows, const float* values, int hd, int count, int rv,
                       const typename Isa::Vec* correction, float* ot, Requests& requests) {
  constexpr int D = Isa::kValueDims;
  for (int d0 = 0; d0 < hd; d0 += D) {
    if constexpr (Isa::kRequestPieces > 1) requests.next();
    value_tile<Isa, R, D>(p, rows, values, hd, count, rv, d0, correction, ot);
  }
}

// A thread's buffers for attend_rows, aligned to a vector of W floats.
template <int HD, int W, bool with_blocks>
struct alignas(4 * W) TokenTiles {
  float keys[kTokensBlock * HD];
  float values[kTokensBlock * HD];
  float qt[HD * kTokensMaxRows];
  float ot[HD * kTokensMaxRows];
  float scores[kTokensBlock * kTokensMaxRows];
};
template <int HD, int W>
struct alignas(4 * W) TokenTiles<HD, W, false> {
  float qt[HD * kTokensMaxRows];
  float ot[HD * kTokensMaxRows];
  float scores[kTokensBlock * kTokensMaxRows];
};

// Row vectors per tile, of `left` still to do: threes, but 4 = 2 + 2 (a one-vector tile loads a
// broadcast per FMA).
inline int row_tile(int left) { return left == 4 || left == 2 ? 2 : std::min(left, 3); }

// Queries of `tokens` consecutive positions (query i: rows q + i·q_stride, window [first[i], last[i]])
// against one kv head; tokens ≤ kTokensMaxTokens, heads ≤ kTokensMaxHeads.
template <class Isa, int HD>
void attend_rows(const KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
                 const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  using Vec = typename Isa::Vec;
  constexpr int hd = HD, w = Isa::kLanes;
  const int64_t element = kv.f16 ? 2 : 4;
  const int used = tokens * heads;
  const int vectors = (used + w - 1) / w;
  const int64_t rows = w * vectors;
  // queries and outputs transposed, a block's scores (and its K/V, where Isa keeps them off the stack):
  // up to 224 KB
  static thread_local TokenTiles<hd, Isa::kLanes, !Isa::kBlocksOnStack> tiles;
  alignas(4 * w) float stack_keys[Isa::kBlocksOnStack ? kTokensBlock * hd : 1];
  alignas(4 * w) float stack_values[Isa::kBlocksOnStack ? kTokensBlock * hd : 1];
  float* keys = stack_keys;
  float* values = stack_values;
  if constexpr (!Isa::kBlocksOnStack) keys = tiles.keys, values = tiles.values;
  float* qt = tiles.qt;
  float* ot = tiles.ot;
  float* scores = tiles.scores;
  alignas(4 * w) int row_first[kTokensMaxRows];
  alignas(4 * w) int row_last[kTokensMaxRows];
  Vec max[kTokensMaxRows / w], denominator[kTokensMaxRows / w], correction[kTokensMaxRows / w];
  const auto [lo, hi, all_first, all_last] =
      lay_out_query_rows(q, q_stride, tokens, heads, hd, rows, first, last, scale, row_first, row_last, qt);
  std::memset(ot, 0, sizeof(float) * static_cast<size_t>(hd * rows));
  for (int v = 0; v < vectors; v++) max[v] = Isa::set1(-1e30f), denominator[v] = Isa::zero();
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kTokensBlock});
    widen_rows<Isa>(kv.pages[page] + kv.key_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, keys);
    widen_rows<Isa>(kv.pages[page] + kv.value_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, values);
    Requests key_requests, value_requests;
    next_block_requests(kv, t + count, hi, hd, element, Isa::kRequestPieces, key_requests, value_requests);
    if constexpr (Isa::kRequestPieces == 1) key_requests.next(), value_requests.next();
    for (int rv = 0; rv < vectors;) {
      const int n = row_tile(vectors - rv);
      if (n == 3) score_rows<Isa, 3>(qt, rows, keys, hd, count, rv, scores, key_requests);
      else if (n == 2) score_rows<Isa, 2>(qt, rows, keys, hd, count, rv, scores, key_requests);
      else score_rows<Isa, 1>(qt, rows, keys, hd, count, rv, scores, key_requests);
      rv += n;
    }
    if (softcap_value > 0) {
      for (int64_t at = 0; at < count * rows; at++) scores[at] = softcap_value * std::tanh(scores[at] / softcap_value);
    }
    if (t < all_first || t + count - 1 > all_last) {  // some row's window starts or ends in this block
      for (int j = 0; j < count; j++) {
        for (int v = 0; v < vectors; v++) Isa::mask_window(scores + j * rows + w * v, row_first + w * v, row_last + w * v, t + j);
      }
    }
    for (int v = 0; v < vectors; v++) {
      Vec block_max = max[v];
      for (int j = 0; j < count; j++) block_max = Isa::max(block_max, Isa::load(scores + j * rows + w * v));
      correction[v] = Isa::exp(Isa::sub(max[v], block_max));
      max[v] = block_max;
      Vec sum = Isa::mul(denominator[v], correction[v]);
      for (int j = 0; j < count; j++) {
        float* s = scores + j * rows + w * v;
        const Vec e = Isa::exp_live(Isa::load(s), block_max);
        Isa::store(s, e);
        sum = Isa::add(sum, e);
      }
      denominator[v] = sum;
    }
    for (int rv = 0; rv < vectors;) {
      const int n = row_tile(vectors - rv);
      if (n == 3) value_rows<Isa, 3>(scores, rows, values, hd, count, rv, correction, ot, value_requests);
      else if (n == 2) value_rows<Isa, 2>(scores, rows, values, hd, count, rv, correction, ot, value_requests);
      else value_rows<Isa, 1>(scores, rows, values, hd, count, rv, correction, ot, value_requests);
      rv += n;
    }
    t += count;
  }
  alignas(4 * w) float row_max[kTokensMaxRows], row_denominator[kTokensMaxRows];
  for (int v = 0; v < vectors; v++) {
    Isa::store(row_max + w * v, max[v]);
    Isa::store(row_denominator + w * v, denominator[v]);
  }
  for (int r = 0; r < used; r++) {
    const int i = r / heads, h = r % heads;
    if (stats != nullptr) stats[2 * i * heads + h] = row_max[r], stats[(2 * i + 1) * heads + h] = row_denominator[r];
    const float inverse = row_denominator[r] > 0 ? 1.0f / row_denominator[r] : 0.0f;
    float* oh = out + i * out_stride + h * hd;
    for (int d = 0; d < hd; d++) oh[d] = ot[d * rows + r] * inverse;
  }
}

}  // namespace
}  // namespace xc::cpu
