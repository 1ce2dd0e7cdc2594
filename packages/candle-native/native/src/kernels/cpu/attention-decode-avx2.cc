// AVX2 attention of one decode token's query heads against one kv head over f16 K/V rows read in
// place. The heads go three at a time over each key block, so every f16 key and value is widened
// once per three heads instead of once per head (SmolLM2-135M has 3 heads per kv head, Qwen2.5-0.5B
// 7, TinyLlama 8); two keys' scores and two 8-wide output chunks per head stay in registers, so the
// multiply-adds run as independent chains. With the K/V in cache a 512-key step took ~25% less CPU.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/cpu-ops.h"

namespace xc::avx2 {

namespace {

constexpr int kBlock = 64;
constexpr int kHeadsAtOnce = 3;
// K/V rows are requested this many keys ahead of the keys being scored, eight keys' rows before each
// eight keys' scores, and the first ones up front (see attention-decode-avx512.cc: a whole block's
// requests at once stalled the arithmetic behind the full miss queue).
// AVX2 kernel, cold K/V: 1.11–1.19 ms of CPU at 512 keys before, 0.67–0.69 after (64 keys ahead
// 0.70–0.74); 2,048 keys 4.6–5.2 before, 2.6–2.8 after.
constexpr int kAheadKeys = 32;

inline __m128 reduce4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

inline __m256 widen8(const uint16_t* h) {
  return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(h)));
}

// An asm statement, not _mm_prefetch: GCC 12 at -O2 deleted prefetch_keys' loop of _mm_prefetch calls
// whole (it counts a prefetch as no effect, and -ffinite-loops lets it drop a loop without effects).
inline void prefetch(const uint8_t* p, int64_t bytes) {
  for (int64_t b = 0; b < bytes; b += 64) {
#if defined(__GNUC__)
    asm volatile("prefetcht0 %0" : : "m"(*(p + b)));
#else
    _mm_prefetch(reinterpret_cast<const char*>(p + b), _MM_HINT_T0);
#endif
  }
}

// Requests the K and V rows of keys [from, to) (page by page).
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

// H heads (q: H rows of 8·V floats) over keys [lo, hi]; out: H rows, max/denominator: H floats each;
// fetch: request the K/V rows ahead.
template <int V, int H>
void decode_heads(const cpu::KvHeadView& kv, const float* q, int lo, int hi, float scale, float softcap_value,
                  float* out, float* max, float* denominator, bool fetch) {
  constexpr int hd = 8 * V;
  constexpr int64_t row_bytes = hd * 2;
  alignas(32) float scores[H][kBlock];
  for (int h = 0; h < H; h++) max[h] = -std::numeric_limits<float>::infinity(), denominator[h] = 0;
  std::memset(out, 0, sizeof(float) * H * hd);
  int fetched = lo;
  if (fetch) {
    fetched = std::min(hi + 1, lo + kAheadKeys);
    prefetch_keys(kv, lo, fetched, row_bytes);
  }
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kBlock});
    const auto* keys = reinterpret_cast<const uint16_t*>(kv.pages[page] + kv.key_offset + start * row_bytes);
    const auto* values = reinterpret_cast<const uint16_t*>(kv.pages[page] + kv.value_offset + start * row_bytes);
    // two keys × H heads of partial sums in registers (four keys × three heads would spill), reduced
    // four vectors at a time
    int j = 0;
    for (; j + 2 <= count; j += 2) {
      if (fetch && j % 8 == 0) {
        const int want = std::min(hi + 1, t + j + 8 + kAheadKeys);
        if (want > fetched) prefetch_keys(kv, fetched, want, row_bytes), fetched = want;
      }
      __m256 a[2 * H + 2];
      for (int i = 0; i < 2 * H + 2; i++) a[i] = _mm256_setzero_ps();
      for (int v = 0; v < V; v++) {
        const __m256 k0 = widen8(keys + j * hd + 8 * v), k1 = widen8(keys + (j + 1) * hd + 8 * v);
        for (int h = 0; h < H; h++) {
          const __m256 qv = _mm256_loadu_ps(q + h * hd + 8 * v);
          a[2 * h] = _mm256_fmadd_ps(k0, qv, a[2 * h]);
          a[2 * h + 1] = _mm256_fmadd_ps(k1, qv, a[2 * h + 1]);
        }
      }
      alignas(16) float sums[2 * H + 2];
      for (int i = 0; i < 2 * H; i += 4) {
        _mm_store_ps(sums + i, _mm_mul_ps(reduce4(a[i], a[i + 1], a[i + 2], a[i + 3]), _mm_set1_ps(scale)));
      }
      for (int h = 0; h < H; h++) scores[h][j] = sums[2 * h], scores[h][j + 1] = sums[2 * h + 1];
    }
    if (fetch) {
      const int want = std::min(hi + 1, t + count + kAheadKeys);
      if (want > fetched) prefetch_keys(kv, fetched, want, row_bytes), fetched = want;
    }
    for (; j < count; j++) {
      __m256 a[H];
      for (int h = 0; h < H; h++) a[h] = _mm256_setzero_ps();
      for (int v = 0; v < V; v++) {
        const __m256 k = widen8(keys + j * hd + 8 * v);
        for (int h = 0; h < H; h++) a[h] = _mm256_fmadd_ps(k, _mm256_loadu_ps(q + h * hd + 8 * v), a[h]);
      }
      for (int h = 0; h < H; h++) scores[h][j] = hsum(a[h]) * scale;
    }
    for (int h = 0; h < H; h++) {
      float* s = scores[h];
      if (softcap_value > 0) {
        for (j = 0; j < count; j++) s[j] = softcap_value * std::tanh(s[j] / softcap_value);
      }
      float block_max = s[0];
      for (j = 1; j < count; j++) block_max = std::max(block_max, s[j]);
      if (block_max > max[h]) {
        const float correction = std::exp(max[h] - block_max);
        if (denominator[h] > 0) {
          const __m256 c = _mm256_set1_ps(correction);
          float* oh = out + h * hd;
          for (int v = 0; v < V; v++) _mm256_storeu_ps(oh + 8 * v, _mm256_mul_ps(_mm256_loadu_ps(oh + 8 * v), c));
        }
        denominator[h] *= correction;
        max[h] = block_max;
      }
      const __m256 m = _mm256_set1_ps(max[h]);
      __m256 sum = _mm256_setzero_ps();
      for (j = 0; j + 8 <= count; j += 8) {
        const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(s + j), m));
        _mm256_storeu_ps(s + j, e);
        sum = _mm256_add_ps(sum, e);
      }
      denominator[h] += hsum(sum);
      for (; j < count; j++) {
        s[j] = std::exp(s[j] - max[h]);
        denominator[h] += s[j];
      }
    }
    // two 8-wide chunks × H heads of output in registers: independent FMA chains, each value chunk
    // widened once
    for (int v = 0; v < V; v += 2) {
      __m256 o[H][2];
      for (int h = 0; h < H; h++) {
        o[h][0] = _mm256_loadu_ps(out + h * hd + 8 * v);
        o[h][1] = _mm256_loadu_ps(out + h * hd + 8 * v + 8);
      }
      for (j = 0; j < count; j++) {
        const __m256 x0 = widen8(values + j * hd + 8 * v), x1 = widen8(values + j * hd + 8 * v + 8);
        for (int h = 0; h < H; h++) {
          const __m256 p = _mm256_set1_ps(scores[h][j]);
          o[h][0] = _mm256_fmadd_ps(p, x0, o[h][0]);
          o[h][1] = _mm256_fmadd_ps(p, x1, o[h][1]);
        }
      }
      for (int h = 0; h < H; h++) {
        _mm256_storeu_ps(out + h * hd + 8 * v, o[h][0]);
        _mm256_storeu_ps(out + h * hd + 8 * v + 8, o[h][1]);
      }
    }
    t += count;
  }
  for (int h = 0; h < H; h++) {
    if (denominator[h] <= 0) continue;
    const __m256 inverse = _mm256_set1_ps(1.0f / denominator[h]);
    float* oh = out + h * hd;
    for (int v = 0; v < V; v++) _mm256_storeu_ps(oh + 8 * v, _mm256_mul_ps(_mm256_loadu_ps(oh + 8 * v), inverse));
  }
}

template <int V>
void decode_all(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                float softcap_value, float* out, float* stats) {
  constexpr int hd = 8 * V;
  float max[kHeadsAtOnce], denominator[kHeadsAtOnce];
  for (int h0 = 0; h0 < heads; h0 += kHeadsAtOnce) {
    // later heads find this kv head's rows in cache: only the first pass requests them
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
    case 64: decode_all<8>(kv, q, heads, first, last, scale, softcap_value, out, stats); return true;
    case 128: decode_all<16>(kv, q, heads, first, last, scale, softcap_value, out, stats); return true;
    default: return false;
  }
}

}  // namespace xc::avx2

#else

namespace xc::avx2 {
bool attend_decode(const cpu::KvHeadView&, const float*, int, int, int, float, float, float*, float*) { return false; }
}  // namespace xc::avx2

#endif
