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

#include "kernels/cpu/attention-tokens-driver.h"
#include "kernels/cpu/avx2-attention.h"
#include "kernels/cpu/avx2-kernels.h"

namespace xc::avx2 {

namespace {

using avx2_attention::reduce4;
using cpu::kTokensBlock;
using cpu::kTokensMaxHeads;
using cpu::kTokensMaxTokens;

// The multi-token driver's AVX2 parts: tiles of four keys or four head dimensions, and the next
// block's K/V requested whole before its scores (a block's rows are one 8 KB run that ends at a page
// boundary, so the hardware prefetcher starts each run cold).
struct Tokens : avx2_attention::Avx2Lanes {
  static constexpr int kScoreKeys = 4;
  static constexpr int kValueDims = 4;
  static constexpr int kRequestPieces = 1;
  static constexpr bool kBlocksOnStack = true;
  static void mask_window(float* s, const int* first, const int* last, int key_index) {
    const __m256i key = _mm256_set1_epi32(key_index);
    const __m256i f = _mm256_load_si256(reinterpret_cast<const __m256i*>(first));
    const __m256i l = _mm256_load_si256(reinterpret_cast<const __m256i*>(last));
    const __m256 outside = _mm256_castsi256_ps(_mm256_or_si256(_mm256_cmpgt_epi32(f, key), _mm256_cmpgt_epi32(key, l)));
    _mm256_store_ps(s, _mm256_blendv_ps(_mm256_load_ps(s), _mm256_set1_ps(-std::numeric_limits<float>::infinity()), outside));
  }
  static __m256 exp_live(__m256 x, __m256 max) {
    const __m256 minus_infinity = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    return _mm256_and_ps(exp_ps(_mm256_sub_ps(x, max)), _mm256_cmp_ps(x, minus_infinity, _CMP_GT_OQ));
  }
};

// The same for fewer than eight (token, head) rows (a decode step over an f32 cache, say), where a
// vector of rows would be mostly padding: each row walks the block with its accumulator in registers,
// four keys' scores reduced together.
template <int V>
void attend_by_row(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
            const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  constexpr int hd = 8 * V;
  const int64_t element = kv.f16 ? 2 : 4;
  alignas(32) float keys[kTokensBlock * hd];
  alignas(32) float values[kTokensBlock * hd];
  alignas(16) float scores[kTokensBlock];
  float max[kTokensMaxTokens][kTokensMaxHeads], denominator[kTokensMaxTokens][kTokensMaxHeads];
  int lo = first[0], hi = last[0];
  for (int i = 0; i < tokens; i++) {
    lo = std::min(lo, first[i]), hi = std::max(hi, last[i]);
    for (int h = 0; h < heads; h++) max[i][h] = -std::numeric_limits<float>::infinity(), denominator[i][h] = 0;
    std::memset(out + i * out_stride, 0, sizeof(float) * static_cast<size_t>(heads) * hd);
  }
  for (int t = lo; t <= hi;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, hi - t + 1, kTokensBlock});
    cpu::widen_rows<Tokens>(kv.pages[page] + kv.key_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, keys);
    cpu::widen_rows<Tokens>(kv.pages[page] + kv.value_offset + start * hd * element, kv.f16, static_cast<int64_t>(count) * hd, values);
    const auto key_at = [&](int64_t at) { return _mm256_load_ps(keys + at); };
    const auto value_at = [&](int64_t at) { return _mm256_load_ps(values + at); };
    cpu::Requests key_requests, value_requests;
    cpu::next_block_requests(kv, t + count, hi, hd, element, 1, key_requests, value_requests);
    key_requests.next(), value_requests.next();
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
  if (heads > kTokensMaxHeads || tokens > kTokensMaxTokens || tokens < 1) return false;
  if (tokens * heads < 8) {
    switch (kv.head_dim) {
      case 64: attend_by_row<8>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      case 128: attend_by_row<16>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      default: return false;
    }
  }
  switch (kv.head_dim) {
    case 64: cpu::attend_rows<Tokens, 64>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
    case 128: cpu::attend_rows<Tokens, 128>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
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
