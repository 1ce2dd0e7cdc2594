#pragma once

// The ISA-independent walk of the f16 decode kernels (attention-decode-avx2.cc,
// attention-decode-avx512.cc): K/V blocks page by page, requests ahead, the online softmax's
// rescaling and the value sums. Isa supplies the vector primitives (Vec, kLanes, loadu, storeu, set1,
// mul, fmadd, widen) and the parts whose rounding or tiling differ by width: queries, score8,
// score_rest, block_max, exponentiate, and kValueChunks (output vectors per head held in registers).
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

// out (H rows) += probabilities × values: kValueChunks vectors × H heads of output in registers, each
// value chunk widened once.
template <class Isa, int V, int H>
inline void add_values(const uint16_t* values, const float (*scores)[kDecodeBlock], int count, float* out) {
  constexpr int hd = Isa::kLanes * V, chunks = Isa::kValueChunks, w = Isa::kLanes;
  using Vec = typename Isa::Vec;
  for (int v0 = 0; v0 < V; v0 += chunks) {
    Vec o[H][chunks];
    for (int h = 0; h < H; h++) {
      for (int e = 0; e < chunks; e++) o[h][e] = Isa::loadu(out + h * hd + w * (v0 + e));
    }
    for (int j = 0; j < count; j++) {
      Vec x[chunks];
      for (int e = 0; e < chunks; e++) x[e] = Isa::widen(values + j * hd + w * (v0 + e));
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
    for (int h = 0; h < H; h++) {
      float* s = scores[h];
      if (softcap_value > 0) {
        for (j = 0; j < count; j++) s[j] = softcap_value * std::tanh(s[j] / softcap_value);
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

}  // namespace
}  // namespace xc::cpu
