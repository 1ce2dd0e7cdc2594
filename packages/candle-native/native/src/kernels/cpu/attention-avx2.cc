// AVX2 attention of a group of query heads against one kv head (see attention_heads in
// cpu-ops.h): each K/V block is widened to f32 once, then every head walks it with its
// accumulator in registers; four keys' scores are reduced together. Head sizes 64 and 128 only
// (others answer false and take the portable loop).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <algorithm>
#include <cmath>
#include <limits>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/cpu-ops.h"

namespace xc::avx2 {

namespace {

constexpr int kBlock = 64;
constexpr int kMaxHeads = 8;

inline __m128 reduce4(__m256 a, __m256 b, __m256 c, __m256 d) {
  const __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
  return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

// e^x for x ≤ 0 (scores minus their running max): 2^k · poly(r), |r| ≤ ln2/2, a few ulp.
inline __m256 exp_nonpositive(__m256 x) {
  x = _mm256_max_ps(x, _mm256_set1_ps(-87.0f));
  const __m256 k = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504f)), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m256 r = _mm256_fnmadd_ps(k, _mm256_set1_ps(0.693359375f), x);
  r = _mm256_fnmadd_ps(k, _mm256_set1_ps(-2.12194440e-4f), r);
  __m256 p = _mm256_set1_ps(1.9875691500e-4f);
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
  p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
  p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
  const __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(k), _mm256_set1_epi32(127)), 23);
  return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
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

template <int V>
void attend(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale, float softcap_value,
            float* out) {
  constexpr int hd = 8 * V;
  const int64_t element = kv.f16 ? 2 : 4;
  alignas(32) float keys[kBlock * hd];
  alignas(32) float values[kBlock * hd];
  alignas(16) float scores[kBlock];
  float max[kMaxHeads], denominator[kMaxHeads];
  for (int h = 0; h < heads; h++) max[h] = -std::numeric_limits<float>::infinity(), denominator[h] = 0;
  std::memset(out, 0, sizeof(float) * static_cast<size_t>(heads) * hd);
  for (int t = first; t <= last;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, last - t + 1, kBlock});
    widen(kv.pages[page] + kv.key_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, keys);
    widen(kv.pages[page] + kv.value_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, values);
    for (int h = 0; h < heads; h++) {
      const float* qh = q + h * hd;
      int j = 0;
      for (; j + 4 <= count; j += 4) {
        __m256 a[4];
        for (int u = 0; u < 4; u++) a[u] = _mm256_setzero_ps();
        for (int v = 0; v < V; v++) {
          const __m256 qv = _mm256_loadu_ps(qh + 8 * v);
          for (int u = 0; u < 4; u++) a[u] = _mm256_fmadd_ps(_mm256_load_ps(keys + (j + u) * hd + 8 * v), qv, a[u]);
        }
        _mm_store_ps(scores + j, _mm_mul_ps(reduce4(a[0], a[1], a[2], a[3]), _mm_set1_ps(scale)));
      }
      for (; j < count; j++) {
        __m256 a = _mm256_setzero_ps();
        for (int v = 0; v < V; v++) a = _mm256_fmadd_ps(_mm256_load_ps(keys + j * hd + 8 * v), _mm256_loadu_ps(qh + 8 * v), a);
        scores[j] = hsum(a) * scale;
      }
      if (softcap_value > 0) {
        for (j = 0; j < count; j++) scores[j] = softcap_value * std::tanh(scores[j] / softcap_value);
      }
      float block_max = scores[0];
      for (j = 1; j < count; j++) block_max = std::max(block_max, scores[j]);
      __m256 o[V];
      float* oh = out + h * hd;
      for (int v = 0; v < V; v++) o[v] = _mm256_loadu_ps(oh + 8 * v);
      if (block_max > max[h]) {
        const float correction = std::exp(max[h] - block_max);
        if (denominator[h] > 0) {
          const __m256 c = _mm256_set1_ps(correction);
          for (int v = 0; v < V; v++) o[v] = _mm256_mul_ps(o[v], c);
        }
        denominator[h] *= correction;
        max[h] = block_max;
      }
      const __m256 m = _mm256_set1_ps(max[h]);
      __m256 sum = _mm256_setzero_ps();
      for (j = 0; j + 8 <= count; j += 8) {
        const __m256 e = exp_nonpositive(_mm256_sub_ps(_mm256_loadu_ps(scores + j), m));
        _mm256_storeu_ps(scores + j, e);
        sum = _mm256_add_ps(sum, e);
      }
      denominator[h] += hsum(sum);
      for (; j < count; j++) {
        scores[j] = std::exp(scores[j] - max[h]);
        denominator[h] += scores[j];
      }
      for (j = 0; j < count; j++) {
        const __m256 p = _mm256_set1_ps(scores[j]);
        for (int v = 0; v < V; v++) o[v] = _mm256_fmadd_ps(p, _mm256_load_ps(values + j * hd + 8 * v), o[v]);
      }
      for (int v = 0; v < V; v++) _mm256_storeu_ps(oh + 8 * v, o[v]);
    }
    t += count;
  }
  for (int h = 0; h < heads; h++) {
    if (denominator[h] <= 0) continue;
    const __m256 inverse = _mm256_set1_ps(1.0f / denominator[h]);
    for (int v = 0; v < V; v++) _mm256_storeu_ps(out + h * hd + 8 * v, _mm256_mul_ps(_mm256_loadu_ps(out + h * hd + 8 * v), inverse));
  }
}

}  // namespace

bool attend_group(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                  float softcap_value, float* out) {
  if (heads > kMaxHeads) return false;
  switch (kv.head_dim) {
    case 64: attend<8>(kv, q, heads, first, last, scale, softcap_value, out); return true;
    case 128: attend<16>(kv, q, heads, first, last, scale, softcap_value, out); return true;
    default: return false;
  }
}

}  // namespace xc::avx2

#endif
