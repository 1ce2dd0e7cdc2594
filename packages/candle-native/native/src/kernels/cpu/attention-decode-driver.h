#pragma once

// The ISA-independent walk of the f16 decode kernels (attention-decode-avx2.cc,
// attention-decode-avx512.cc): K/V blocks page by page, requests ahead, the online softmax's
// rescaling and the value sums. Isa supplies the vector primitives (Vec, kLanes, loadu, storeu, set1,
// mul, fmadd, widen) and the parts whose rounding or tiling differ by width: queries, score8,
// score_rest, block_max, exponentiate, and kValueChunks (output vectors per head held in registers).
// decode_rows walks several decode rows (one batch's sequences at one kv head) in lockstep, so the
// blocks of pages they share are widened once for all of them, each row's output bit for bit its own.
// Include only from a file compiled with Isa's instruction set, after defining its traits there.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kv-prefetch.h"

namespace xc::cpu {
// Internal linkage: each instantiation stays in the file (and instruction set) that made it.
namespace {

constexpr int kDecodeBlock = 64;
constexpr int kDecodeHeadsAtOnce = 3;
// K/V rows are requested this many keys ahead of the keys being scored, eight keys' rows before each
// eight keys' scores, and the first ones up front. Requesting a whole block's at once stalled the
// arithmetic behind the full miss queue: with AVX-512 a cold 512-key step took 0.8–1.0 ms of CPU that
// way against 0.47–0.55 spread out, 2,048 keys 2.4–3.9 against 1.8–2.1; with AVX2 1.11–1.19 ms against
// 0.67–0.69 (busy machine). 24–48 keys ahead were alike, 16 slower.
constexpr int kDecodeAheadKeys = 32;

template <class Isa, int V>
inline void scale_row(float* o, float c) {
  const typename Isa::Vec factor = Isa::set1(c);
  for (int v = 0; v < V; v++) Isa::storeu(o + Isa::kLanes * v, Isa::mul(Isa::loadu(o + Isa::kLanes * v), factor));
}

// A K or V chunk of kLanes values: widened from the cache's f16 rows, or loaded from rows widened
// before (decode_rows' shared blocks; the same floats, as widening is exact).
template <class Isa>
inline typename Isa::Vec kv_chunk(const uint16_t* h) { return Isa::widen(h); }
template <class Isa>
inline typename Isa::Vec kv_chunk(const float* f) { return Isa::loadu(f); }

// out (H rows) += probabilities × values: kValueChunks vectors × H heads of output in registers, each
// value chunk widened once.
template <class Isa, int V, int H, class T>
inline void add_values(const T* values, const float (*scores)[kDecodeBlock], int count, float* out) {
  constexpr int hd = Isa::kLanes * V, chunks = Isa::kValueChunks, w = Isa::kLanes;
  using Vec = typename Isa::Vec;
  for (int v0 = 0; v0 < V; v0 += chunks) {
    Vec o[H][chunks];
    for (int h = 0; h < H; h++) {
      for (int e = 0; e < chunks; e++) o[h][e] = Isa::loadu(out + h * hd + w * (v0 + e));
    }
    for (int j = 0; j < count; j++) {
      Vec x[chunks];
      for (int e = 0; e < chunks; e++) x[e] = kv_chunk<Isa>(values + j * hd + w * (v0 + e));
      for (int h = 0; h < H; h++) {
        const Vec p = Isa::set1(scores[h][j]);
        for (int e = 0; e < chunks; e++) o[h][e] = Isa::fmadd(p, x[e], o[h][e]);
      }
    }
    for (int h = 0; h < H; h++) {
      for (int e = 0; e < chunks; e++) Isa::storeu(out + h * hd + w * (v0 + e), o[h][e]);
    }
  }
}

// One block's scores (H rows of count) → probabilities, with the online softmax's running max and
// denominator per head and out (H rows) rescaled when the max grows.
template <class Isa, int V, int H>
inline void softmax_block(float (*scores)[kDecodeBlock], int count, float softcap_value, float* out, float* max,
                          float* denominator) {
  constexpr int hd = Isa::kLanes * V;
  for (int h = 0; h < H; h++) {
    float* s = scores[h];
    if (softcap_value > 0) {
      for (int j = 0; j < count; j++) s[j] = softcap_value * std::tanh(s[j] / softcap_value);
    }
    const float block_max = Isa::block_max(s, count);
    if (block_max > max[h]) {
      const float correction = std::exp(max[h] - block_max);
      if (denominator[h] > 0) scale_row<Isa, V>(out + h * hd, correction);
      denominator[h] *= correction;
      max[h] = block_max;
    }
    Isa::exponentiate(s, count, max[h], denominator[h]);
  }
}

// H heads (q: H rows of kLanes·V floats) over keys [lo, hi]; out: H rows, max/denominator: H floats
// each; fetch: request the K/V rows ahead (only the first pass over a kv head: later ones find them
// cached).
template <class Isa, int V, int H>
void decode_heads(const KvHeadView& kv, const float* q, int lo, int hi, float scale, float softcap_value, float* out,
                  float* max, float* denominator, bool fetch) {
  constexpr int hd = Isa::kLanes * V;
  constexpr int64_t row_bytes = hd * 2;
  alignas(64) float scaled[H * hd];
  const float* qs = Isa::template queries<H * hd>(q, scale, scaled);
  alignas(64) float scores[H][kDecodeBlock];
  for (int h = 0; h < H; h++) max[h] = -std::numeric_limits<float>::infinity(), denominator[h] = 0;
  std::memset(out, 0, sizeof(float) * H * hd);
  int fetched = lo;
  if (fetch) {
    fetched = std::min(hi + 1, lo + kDecodeAheadKeys);
    prefetch_keys(kv, lo, fetched, row_bytes);
  }
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kDecodeBlock});
    const auto* keys = reinterpret_cast<const uint16_t*>(kv.pages[page] + kv.key_offset + start * row_bytes);
    const auto* values = reinterpret_cast<const uint16_t*>(kv.pages[page] + kv.value_offset + start * row_bytes);
    int j = 0;
    for (; j + 8 <= count; j += 8) {
      if (fetch) {
        const int want = std::min(hi + 1, t + j + 8 + kDecodeAheadKeys);
        if (want > fetched) prefetch_keys(kv, fetched, want, row_bytes), fetched = want;
      }
      Isa::template score8<V, H>(keys, qs, scale, j, scores);
    }
    if (fetch) {
      const int want = std::min(hi + 1, t + count + kDecodeAheadKeys);
      if (want > fetched) prefetch_keys(kv, fetched, want, row_bytes), fetched = want;
    }
    Isa::template score_rest<V, H>(keys, qs, scale, j, count, scores);
    softmax_block<Isa, V, H>(scores, count, softcap_value, out, max, denominator);
    add_values<Isa, V, H>(values, scores, count, out);
    t += count;
  }
  for (int h = 0; h < H; h++) {
    if (denominator[h] > 0) scale_row<Isa, V>(out + h * hd, 1.0f / denominator[h]);
  }
}

template <class Isa, int V>
void decode_all(const KvHeadView& kv, const float* q, int heads, int first, int last, float scale, float softcap_value,
                float* out, float* stats) {
  constexpr int hd = Isa::kLanes * V;
  float max[kDecodeHeadsAtOnce], denominator[kDecodeHeadsAtOnce];
  for (int h0 = 0; h0 < heads; h0 += kDecodeHeadsAtOnce) {
    const int n = std::min(kDecodeHeadsAtOnce, heads - h0);
    const float* qh = q + h0 * hd;
    float* oh = out + h0 * hd;
    if (n == 3) decode_heads<Isa, V, 3>(kv, qh, first, last, scale, softcap_value, oh, max, denominator, h0 == 0);
    else if (n == 2) decode_heads<Isa, V, 2>(kv, qh, first, last, scale, softcap_value, oh, max, denominator, h0 == 0);
    else decode_heads<Isa, V, 1>(kv, qh, first, last, scale, softcap_value, oh, max, denominator, h0 == 0);
    for (int h = 0; stats != nullptr && h < n; h++) stats[h0 + h] = max[h], stats[heads + h0 + h] = denominator[h];
  }
}

// attend_decode's contract (cpu-ops.h): f16 K/V, head sizes 64 and 128; false for anything else.
template <class Isa>
bool decode(const KvHeadView& kv, const float* q, int heads, int first, int last, float scale, float softcap_value,
            float* out, float* stats) {
  if (!kv.f16 || heads < 1) return false;
  switch (kv.head_dim) {
    case 64: decode_all<Isa, 64 / Isa::kLanes>(kv, q, heads, first, last, scale, softcap_value, out, stats); return true;
    case 128: decode_all<Isa, 128 / Isa::kLanes>(kv, q, heads, first, last, scale, softcap_value, out, stats); return true;
    default: return false;
  }
}

// decode_rows: at most this many rows per pass (their scaled queries, running stats and block scores
// stay on the stack, a few KB each).
constexpr int kDecodeRowsAtOnce = 8;
// A block's K rows are widened once into an f32 buffer for this many rows or more whose pages are the
// same: with fewer, the stores cost more than the widening they save (attention-bench --rows, 1,000
// keys, 2 heads per kv head: 3 rows 4% slower together than one at a time, 4 rows even, 8 rows 12% faster).
constexpr int kMinSharingRows = 4;

template <class Isa, int V>
inline void widen_rows(const uint16_t* from, int count, float* to) {
  constexpr int hd = Isa::kLanes * V;
  for (int i = 0; i < count * hd; i += Isa::kLanes) Isa::storeu(to + i, Isa::widen(from + i));
}

// One block of count keys for one row's H heads: scores, then the online softmax's update.
template <class Isa, int V, int H, class T>
inline void score_block(const T* keys, const float* qs, float scale, float softcap_value, int count,
                        float (*scores)[kDecodeBlock], float* out, float* max, float* denominator) {
  int j = 0;
  for (; j + 8 <= count; j += 8) Isa::template score8<V, H>(keys, qs, scale, j, scores);
  Isa::template score_rest<V, H>(keys, qs, scale, j, count, scores);
  softmax_block<Isa, V, H>(scores, count, softcap_value, out, max, denominator);
}

// add_values for M rows at once over the same value rows (a shared page), each value chunk widened
// once for all of them: one chunk of M × H outputs in registers, each row's probabilities broadcast.
// Per output element the same multiply-adds in the same order as add_values.
template <class Isa, int V, int H, int M>
inline void add_values_rows(const uint16_t* values, const float (*const* scores)[kDecodeBlock], int count,
                            float* const* out) {
  constexpr int hd = Isa::kLanes * V, w = Isa::kLanes;
  using Vec = typename Isa::Vec;
  for (int v = 0; v < V; v++) {
    Vec o[M][H];
    for (int m = 0; m < M; m++) {
      for (int h = 0; h < H; h++) o[m][h] = Isa::loadu(out[m] + h * hd + w * v);
    }
    for (int j = 0; j < count; j++) {
      const Vec x = Isa::widen(values + j * hd + w * v);
      for (int m = 0; m < M; m++) {
        for (int h = 0; h < H; h++) o[m][h] = Isa::fmadd(Isa::set1(scores[m][h][j]), x, o[m][h]);
      }
    }
    for (int m = 0; m < M; m++) {
      for (int h = 0; h < H; h++) Isa::storeu(out[m] + h * hd + w * v, o[m][h]);
    }
  }
}

// add_values_rows at most four rows at a time (eight measured no faster), in even parts (5 rows as
// 3 + 2, not 4 + 1).
template <class Isa, int V, int H>
void add_values_shared(const uint16_t* values, const float (*const* scores)[kDecodeBlock], int count, float* const* out,
                       int rows) {
  const int parts = (rows + 3) / 4;
  for (int part = 0, m = 0; part < parts; part++) {
    const int n = (rows - m) / (parts - part);
    switch (n) {
      case 4: add_values_rows<Isa, V, H, 4>(values, scores + m, count, out + m); break;
      case 3: add_values_rows<Isa, V, H, 3>(values, scores + m, count, out + m); break;
      case 2: add_values_rows<Isa, V, H, 2>(values, scores + m, count, out + m); break;
      default: add_values_rows<Isa, V, H, 1>(values, scores + m, count, out + m); break;
    }
    m += n;
  }
}

// decode_rows_heads' requests for the rows of the first row's pages it reads next: the current block's
// V rows (read after every row's scores) and the next block's K rows, a piece before each row's scores,
// so the misses trickle out beside the arithmetic. Without them a block's first K and V reads waited
// on memory: perf of attention-bench --rows 8 put a third of the kernel's samples on those two loads.
struct RowRequests {
  const uint8_t* at[2] = {};
  int64_t left[2] = {};
  int64_t piece = 0;
  void next() {
    for (int i = 0; i < 2; i++) {
      const int64_t n = std::min(piece, left[i]);
      if (n <= 0) continue;
      prefetch(at[i], n);
      at[i] += n, left[i] -= n;
    }
  }
};

// The running state of decode_rows_heads' rows: each row's scaled queries, softmax max and
// denominator per head, and the current block's scores.
template <int H, int hd>
struct DecodeRowsState {
  alignas(64) float scaled[kDecodeRowsAtOnce][H * hd];
  alignas(64) float scores[kDecodeRowsAtOnce][H][kDecodeBlock];
  const float* qs[kDecodeRowsAtOnce];
  float max[kDecodeRowsAtOnce][H], denominator[kDecodeRowsAtOnce][H];
};

// The block of keys [t, t + step) of `m` rows (members) whose page for it is the same: its K rows
// widened once for all of them (kMinSharingRows or more), its V rows once per chunk for all of them
// where every one needs the whole block.
template <class Isa, int V, int H>
void shared_block(const DecodeRow* rows, const int* members, int m, int h0, int t, int step, const uint16_t* keys,
                  const uint16_t* values, float scale, float softcap_value, DecodeRowsState<H, Isa::kLanes * V>& state,
                  float* widened, RowRequests& requests) {
  constexpr int hd = Isa::kLanes * V;
  int widest = 0;
  for (int i = 0; i < m; i++) widest = std::max(widest, std::min(step, rows[members[i]].last - t + 1));
  if (m < kMinSharingRows) {
    for (int i = 0; i < m; i++) {
      const int u = members[i], count = std::min(step, rows[u].last - t + 1);
      float* out = rows[u].out + h0 * hd;
      requests.next();
      score_block<Isa, V, H>(keys, state.qs[u], scale, softcap_value, count, state.scores[u], out, state.max[u],
                             state.denominator[u]);
      add_values<Isa, V, H>(values, state.scores[u], count, out);
    }
    return;
  }
  widen_rows<Isa, V>(keys, widest, widened);
  const float(*scores[kDecodeRowsAtOnce])[kDecodeBlock];
  float* outs[kDecodeRowsAtOnce];
  bool whole = true;
  for (int i = 0; i < m; i++) {
    const int u = members[i], count = std::min(step, rows[u].last - t + 1);
    outs[i] = rows[u].out + h0 * hd, scores[i] = state.scores[u], whole &= count == widest;
    requests.next();
    score_block<Isa, V, H>(widened, state.qs[u], scale, softcap_value, count, state.scores[u], outs[i], state.max[u],
                           state.denominator[u]);
  }
  if (whole) {
    add_values_shared<Isa, V, H>(values, scores, widest, outs, m);
    return;
  }
  for (int i = 0; i < m; i++) {
    add_values<Isa, V, H>(values, state.scores[members[i]], std::min(step, rows[members[i]].last - t + 1), outs[i]);
  }
}

// The requests for the block [t, t + step) of the first row's pages: its V rows and the next block's K
// rows, in n pieces (one per row) of whole lines.
inline RowRequests block_requests(const DecodeRow* rows, int n, int t, int step, int64_t row_bytes) {
  const KvHeadView& kv = rows[0].kv;
  RowRequests requests;
  const int count = std::min(step, rows[0].last - t + 1);
  // none for fewer rows than share a widened block (attention-bench --rows 2: 6% slower with them), nor
  // once the first row has ended (its page table too)
  if (n < kMinSharingRows || count <= 0) return requests;
  requests.at[0] = kv.pages[t / kv.page_tokens] + kv.value_offset + (t % kv.page_tokens) * row_bytes;
  requests.left[0] = count * row_bytes;
  const int next = t + step;
  if (next <= rows[0].last) {
    const int next_count = std::min({kv.page_tokens - next % kv.page_tokens, rows[0].last - next + 1, kDecodeBlock});
    requests.at[1] = kv.pages[next / kv.page_tokens] + kv.key_offset + (next % kv.page_tokens) * row_bytes;
    requests.left[1] = next_count * row_bytes;
  }
  requests.piece = ((std::max(requests.left[0], requests.left[1]) + n - 1) / n + 63) / 64 * 64;
  return requests;
}

// Heads [h0, h0 + H) of n ≤ kDecodeRowsAtOnce rows with the same first key, page size and offsets,
// in lockstep block by block; the rows whose page for a block is the same physical page (sequences
// forked from one cached prefix) go over it together (shared_block). Each row's arithmetic is
// decode_heads' for it alone, in the same order (only the f16 → f32 widening, which is exact, moves),
// so its output is the same to the bit. The first row's next K/V rows are requested a piece per row
// (block_requests): attention-bench --rows 8 --keys 1050 --group 2 --warm 1, 1 thread, min 7.6–7.8 ms
// a step without them, 6.2–6.4 with them; 2,048 keys 14.0 → 11.8, 300 keys 2.68 → 2.42.
template <class Isa, int V, int H>
void decode_rows_heads(const DecodeRow* rows, int n, int h0, float scale, float softcap_value) {
  constexpr int hd = Isa::kLanes * V;
  constexpr int64_t row_bytes = hd * 2;
  const KvHeadView& shape = rows[0].kv;
  DecodeRowsState<H, hd> state;
  alignas(64) float widened[kDecodeBlock * hd];
  int hi = rows[0].last;
  for (int r = 0; r < n; r++) {
    state.qs[r] = Isa::template queries<H * hd>(rows[r].q + h0 * hd, scale, state.scaled[r]);
    for (int h = 0; h < H; h++) state.max[r][h] = -std::numeric_limits<float>::infinity(), state.denominator[r][h] = 0;
    std::memset(rows[r].out + h0 * hd, 0, sizeof(float) * H * hd);
    hi = std::max(hi, rows[r].last);
  }
  for (int t = rows[0].first; t <= hi;) {
    const int page = t / shape.page_tokens;
    const int start = t % shape.page_tokens;
    const int step = std::min(shape.page_tokens - start, kDecodeBlock);
    RowRequests requests = block_requests(rows, n, t, step, row_bytes);
    bool done[kDecodeRowsAtOnce] = {};
    for (int r = 0; r < n; r++) {
      if (done[r] || rows[r].last < t) continue;
      const uint8_t* page_data = rows[r].kv.pages[page];
      int members[kDecodeRowsAtOnce], m = 0;
      for (int u = r; u < n; u++) {
        if (!done[u] && rows[u].last >= t && rows[u].kv.pages[page] == page_data) members[m++] = u, done[u] = true;
      }
      const auto* keys = reinterpret_cast<const uint16_t*>(page_data + shape.key_offset + start * row_bytes);
      const auto* values = reinterpret_cast<const uint16_t*>(page_data + shape.value_offset + start * row_bytes);
      shared_block<Isa, V, H>(rows, members, m, h0, t, step, keys, values, scale, softcap_value, state, widened, requests);
    }
    t += step;
  }
  for (int r = 0; r < n; r++) {
    for (int h = 0; h < H; h++) {
      if (state.denominator[r][h] > 0) scale_row<Isa, V>(rows[r].out + (h0 + h) * hd, 1.0f / state.denominator[r][h]);
    }
  }
}

template <class Isa, int V>
void decode_rows_all(const DecodeRow* rows, int n, int heads, float scale, float softcap_value) {
  for (int h0 = 0; h0 < heads; h0 += kDecodeHeadsAtOnce) {
    const int group = std::min(kDecodeHeadsAtOnce, heads - h0);
    if (group == 3) decode_rows_heads<Isa, V, 3>(rows, n, h0, scale, softcap_value);
    else if (group == 2) decode_rows_heads<Isa, V, 2>(rows, n, h0, scale, softcap_value);
    else decode_rows_heads<Isa, V, 1>(rows, n, h0, scale, softcap_value);
  }
}

// attend_decode_rows' contract (kernel-table.h): as decode for each row, false (nothing written) for
// what decode would not take or rows that cannot go in lockstep (different first keys, page sizes or
// offsets).
template <class Isa>
bool decode_rows(const DecodeRow* rows, int count, int heads, float scale, float softcap_value) {
  if (count < 1 || heads < 1) return false;
  const KvHeadView& shape = rows[0].kv;
  if (!shape.f16 || (shape.head_dim != 64 && shape.head_dim != 128)) return false;
  for (int r = 1; r < count; r++) {
    const KvHeadView& kv = rows[r].kv;
    if (!kv.f16 || kv.head_dim != shape.head_dim || kv.page_tokens != shape.page_tokens || kv.key_offset != shape.key_offset ||
        kv.value_offset != shape.value_offset || rows[r].first != rows[0].first) {
      return false;
    }
  }
  for (int r0 = 0; r0 < count; r0 += kDecodeRowsAtOnce) {
    const int n = std::min(kDecodeRowsAtOnce, count - r0);
    if (shape.head_dim == 64) decode_rows_all<Isa, 64 / Isa::kLanes>(rows + r0, n, heads, scale, softcap_value);
    else decode_rows_all<Isa, 128 / Isa::kLanes>(rows + r0, n, heads, scale, softcap_value);
  }
  return true;
}

}  // namespace
}  // namespace xc::cpu
