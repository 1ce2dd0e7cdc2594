// AVX-512 attention of one decode token's query heads against one kv head over f16 K/V rows read in
// place (the AVX2 twin is attention-decode-avx2.cc). Up to three heads go over each key block
// together: the (pre-scaled) queries sit in registers, eight keys × three heads of 16-lane partial
// sums accumulate as 24 independent chains with each key chunk widened once (vcvtph2ps zmm), and an
// add tree turns eight keys' partial sums into one vector of scores. The softmax's max and exp run 16
// scores at a time, and the value pass keeps three heads × 64 output floats in registers.
// Against the AVX2 kernel on the SmolLM2 shape (attention-bench, 1 thread, busy machine): a 512-key
// step ~0.45 ms of CPU instead of ~0.67 with the K/V evicted first (both with the spread-out
// requests below; 1.1–1.3 before them), ~0.44 instead of ~0.76 with it left in cache. Four heads at
// once (four keys × four heads of sums, for Qwen2.5's 7 and TinyLlama's 8 heads per kv head)
// measured no faster than 3 + 3 + 2.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__F16C__)
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu/avx512-attention.h"
#include "kernels/cpu/cpu-ops.h"

namespace xc::avx512 {

using namespace avx512_attention;

namespace {

constexpr int kBlock = 64;
constexpr int kHeadsAtOnce = 3;
// K/V rows are requested this many keys ahead of the keys being scored, eight keys' rows before each
// eight keys' scores (and the first ones up front). Requesting a whole block's at once stalled the
// arithmetic behind the full miss queue: a cold 512-key step took 0.8–1.0 ms of CPU that way against
// 0.47–0.55 spread out, 2,048 keys 2.4–3.9 against 1.8–2.1 (busy machine). 24–48 keys ahead were
// alike, 16 slower.
constexpr int kAheadKeys = 32;

inline void prefetch_keys(const cpu::KvHeadView& kv, int from, int to, int64_t row_bytes) {
  while (from < to) {
    const int start = from % kv.page_tokens;
    const int n = std::min(kv.page_tokens - start, to - from);
    const uint8_t* base = kv.pages[from / kv.page_tokens] + start * row_bytes;
    prefetch(base + kv.key_offset, n * row_bytes);
    prefetch(base + kv.value_offset, n * row_bytes);
    from += n;
  }
}

// Scores of keys [j, j + 8) for H heads (qs: H pre-scaled rows of 16·V floats).
template <int V, int H>
inline void score8(const uint16_t* keys, const float* qs, int j, float (*scores)[kBlock]) {
  constexpr int hd = 16 * V;
  __m512 a[H][8];
  for (int h = 0; h < H; h++) {
    for (int u = 0; u < 8; u++) a[h][u] = _mm512_setzero_ps();
  }
  for (int v = 0; v < V; v++) {
    __m512 qv[H];
    for (int h = 0; h < H; h++) qv[h] = _mm512_load_ps(qs + h * hd + 16 * v);
    for (int u = 0; u < 8; u++) {
      const __m512 k = widen16(keys + (j + u) * hd + 16 * v);
      for (int h = 0; h < H; h++) a[h][u] = _mm512_fmadd_ps(k, qv[h], a[h][u]);
    }
  }
  for (int h = 0; h < H; h++) _mm256_store_ps(scores[h] + j, reduce8(a[h]));
}

template <int V, int H>
inline void score1(const uint16_t* keys, const float* qs, int j, float (*scores)[kBlock]) {
  constexpr int hd = 16 * V;
  __m512 a[H];
  for (int h = 0; h < H; h++) a[h] = _mm512_setzero_ps();
  for (int v = 0; v < V; v++) {
    const __m512 k = widen16(keys + j * hd + 16 * v);
    for (int h = 0; h < H; h++) a[h] = _mm512_fmadd_ps(k, _mm512_load_ps(qs + h * hd + 16 * v), a[h]);
  }
  for (int h = 0; h < H; h++) scores[h][j] = _mm512_reduce_add_ps(a[h]);
}

inline __mmask16 lanes(int left) { return left >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << left) - 1); }

// H heads (q: H rows of 16·V floats) over keys [lo, hi]; out: H rows, max/denominator: H floats each;
// fetch: request the K/V rows ahead (only the first pass over a kv head: later ones find them cached).
template <int V, int H>
void decode_heads(const cpu::KvHeadView& kv, const float* q, int lo, int hi, float scale, float softcap_value,
                  float* out, float* max, float* denominator, bool fetch) {
  constexpr int hd = 16 * V;
  constexpr int64_t row_bytes = hd * 2;
  alignas(64) float qs[H * hd];
  alignas(64) float scores[H][kBlock];
  const __m512 scale16 = _mm512_set1_ps(scale);
  for (int i = 0; i < H * hd; i += 16) _mm512_store_ps(qs + i, _mm512_mul_ps(_mm512_loadu_ps(q + i), scale16));
  for (int h = 0; h < H; h++) max[h] = -std::numeric_limits<float>::infinity(), denominator[h] = 0;
  std::memset(out, 0, sizeof(float) * H * hd);
  int fetched = lo;
  if (fetch) {
    fetched = std::min(hi + 1, lo + kAheadKeys);
    prefetch_keys(kv, lo, fetched, row_bytes);
  }
  const __m512 minus_infinity = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kBlock});
    const auto* keys = reinterpret_cast<const uint16_t*>(kv.pages[page] + kv.key_offset + start * row_bytes);
    const auto* values = reinterpret_cast<const uint16_t*>(kv.pages[page] + kv.value_offset + start * row_bytes);
    int j = 0;
    for (; j + 8 <= count; j += 8) {
      if (fetch) {
        const int want = std::min(hi + 1, t + j + 8 + kAheadKeys);
        if (want > fetched) prefetch_keys(kv, fetched, want, row_bytes), fetched = want;
      }
      score8<V, H>(keys, qs, j, scores);
    }
    if (fetch) {
      const int want = std::min(hi + 1, t + count + kAheadKeys);
      if (want > fetched) prefetch_keys(kv, fetched, want, row_bytes), fetched = want;
    }
    for (; j < count; j++) score1<V, H>(keys, qs, j, scores);
    for (int h = 0; h < H; h++) {
      float* s = scores[h];
      if (softcap_value > 0) {
        for (j = 0; j < count; j++) s[j] = softcap_value * std::tanh(s[j] / softcap_value);
      }
      __m512 top = minus_infinity;
      for (j = 0; j < count; j += 16) top = _mm512_max_ps(top, _mm512_mask_loadu_ps(minus_infinity, lanes(count - j), s + j));
      const float block_max = _mm512_reduce_max_ps(top);
      if (block_max > max[h]) {
        const float correction = std::exp(max[h] - block_max);
        if (denominator[h] > 0) {
          const __m512 c = _mm512_set1_ps(correction);
          float* oh = out + h * hd;
          for (int v = 0; v < V; v++) _mm512_storeu_ps(oh + 16 * v, _mm512_mul_ps(_mm512_loadu_ps(oh + 16 * v), c));
        }
        denominator[h] *= correction;
        max[h] = block_max;
      }
      const __m512 m = _mm512_set1_ps(max[h]);
      __m512 sum = _mm512_setzero_ps();
      for (j = 0; j < count; j += 16) {
        const __mmask16 live = lanes(count - j);
        const __m512 e = _mm512_maskz_mov_ps(live, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(live, s + j), m)));
        _mm512_store_ps(s + j, e);
        sum = _mm512_add_ps(sum, e);
      }
      denominator[h] += _mm512_reduce_add_ps(sum);
    }
    // H heads × four 16-wide chunks of output in registers, each value chunk widened once
    for (int v0 = 0; v0 < V; v0 += 4) {
      __m512 o[H][4];
      for (int h = 0; h < H; h++) {
        for (int e = 0; e < 4; e++) o[h][e] = _mm512_loadu_ps(out + h * hd + 16 * (v0 + e));
      }
      for (j = 0; j < count; j++) {
        __m512 x[4];
        for (int e = 0; e < 4; e++) x[e] = widen16(values + j * hd + 16 * (v0 + e));
        for (int h = 0; h < H; h++) {
          const __m512 p = _mm512_set1_ps(scores[h][j]);
          for (int e = 0; e < 4; e++) o[h][e] = _mm512_fmadd_ps(p, x[e], o[h][e]);
        }
      }
      for (int h = 0; h < H; h++) {
        for (int e = 0; e < 4; e++) _mm512_storeu_ps(out + h * hd + 16 * (v0 + e), o[h][e]);
      }
    }
    t += count;
  }
  for (int h = 0; h < H; h++) {
    if (denominator[h] <= 0) continue;
    const __m512 inverse = _mm512_set1_ps(1.0f / denominator[h]);
    float* oh = out + h * hd;
    for (int v = 0; v < V; v++) _mm512_storeu_ps(oh + 16 * v, _mm512_mul_ps(_mm512_loadu_ps(oh + 16 * v), inverse));
  }
}

template <int V>
void decode_all(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                float softcap_value, float* out, float* stats) {
  constexpr int hd = 16 * V;
  float max[kHeadsAtOnce], denominator[kHeadsAtOnce];
  for (int h0 = 0; h0 < heads; h0 += kHeadsAtOnce) {
    const int n = std::min(kHeadsAtOnce, heads - h0);
    const float* qh = q + h0 * hd;
    float* oh = out + h0 * hd;
    if (n == 3) decode_heads<V, 3>(kv, qh, first, last, scale, softcap_value, oh, max, denominator, h0 == 0);
    else if (n == 2) decode_heads<V, 2>(kv, qh, first, last, scale, softcap_value, oh, max, denominator, h0 == 0);
    else decode_heads<V, 1>(kv, qh, first, last, scale, softcap_value, oh, max, denominator, h0 == 0);
    for (int h = 0; stats != nullptr && h < n; h++) stats[h0 + h] = max[h], stats[heads + h0 + h] = denominator[h];
  }
}

}  // namespace

bool attend_decode(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                   float softcap_value, float* out, float* stats) {
  if (!kv.f16 || heads < 1) return false;
  switch (kv.head_dim) {
    case 64: decode_all<4>(kv, q, heads, first, last, scale, softcap_value, out, stats); return true;
    case 128: decode_all<8>(kv, q, heads, first, last, scale, softcap_value, out, stats); return true;
    default: return false;
  }
}

}  // namespace xc::avx512

#else

namespace xc::avx512 {
bool attend_decode(const cpu::KvHeadView&, const float*, int, int, int, float, float, float*, float*) { return false; }
}  // namespace xc::avx512

#endif
