// AVX2 attention of one decode token's query heads against one kv head over f16 K/V rows read in
// place. The heads go three at a time over each key block, so every f16 key and value is widened
// once per three heads instead of once per head (SmolLM2-135M has 3 heads per kv head, Qwen2.5-0.5B
// 7, TinyLlama 8); two keys' scores and two 8-wide output chunks per head stay in registers, so the
// multiply-adds run as independent chains. With the K/V in cache a 512-key step took ~25% less CPU.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <algorithm>
#include <cmath>

#include "kernels/cpu/attention-decode-driver.h"
#include "kernels/cpu/avx2-attention.h"
#include "kernels/cpu/avx2-kernels.h"

namespace xc::avx2 {

namespace {

using avx2_attention::reduce4;
using cpu::kDecodeBlock;

// The decode driver's AVX2 parts: scores two keys × H heads at a time (four keys × three heads would
// spill), reduced four vectors at a time, then scaled (the queries stay as given).
struct Decode : avx2_attention::Avx2Lanes {
  static constexpr int kValueChunks = 2;

  template <int N>
  static const float* queries(const float* q, float, float*) { return q; }

  // Scores keys [j, end) two at a time; returns the key after the last pair.
  template <int V, int H>
  static int score_pairs(const uint16_t* keys, const float* q, float scale, int j, int end, float (*scores)[kDecodeBlock]) {
    constexpr int hd = 8 * V;
    for (; j + 2 <= end; j += 2) {
      __m256 a[2 * H + 2];
      for (int i = 0; i < 2 * H + 2; i++) a[i] = _mm256_setzero_ps();
      for (int v = 0; v < V; v++) {
        const __m256 k0 = widen(keys + j * hd + 8 * v), k1 = widen(keys + (j + 1) * hd + 8 * v);
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
    return j;
  }

  template <int V, int H>
  static void score8(const uint16_t* keys, const float* q, float scale, int j, float (*scores)[kDecodeBlock]) {
    score_pairs<V, H>(keys, q, scale, j, j + 8, scores);
  }

  template <int V, int H>
  static void score_rest(const uint16_t* keys, const float* q, float scale, int j, int count, float (*scores)[kDecodeBlock]) {
    constexpr int hd = 8 * V;
    j = score_pairs<V, H>(keys, q, scale, j, count, scores);
    if (j == count) return;
    __m256 a[H];
    for (int h = 0; h < H; h++) a[h] = _mm256_setzero_ps();
    for (int v = 0; v < V; v++) {
      const __m256 k = widen(keys + j * hd + 8 * v);
      for (int h = 0; h < H; h++) a[h] = _mm256_fmadd_ps(k, _mm256_loadu_ps(q + h * hd + 8 * v), a[h]);
    }
    for (int h = 0; h < H; h++) scores[h][j] = hsum(a[h]) * scale;
  }

  static float block_max(const float* s, int count) {
    float top = s[0];
    for (int j = 1; j < count; j++) top = std::max(top, s[j]);
    return top;
  }

  static void exponentiate(float* s, int count, float max, float& denominator) {
    const __m256 m = _mm256_set1_ps(max);
    __m256 sum = _mm256_setzero_ps();
    int j = 0;
    for (; j + 8 <= count; j += 8) {
      const __m256 e = exp_ps(_mm256_sub_ps(_mm256_loadu_ps(s + j), m));
      _mm256_storeu_ps(s + j, e);
      sum = _mm256_add_ps(sum, e);
    }
    denominator += hsum(sum);
    for (; j < count; j++) {
      s[j] = std::exp(s[j] - max);
      denominator += s[j];
    }
  }
};

}  // namespace

bool attend_decode(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                   float softcap_value, float* out, float* stats) {
  return cpu::decode<Decode>(kv, q, heads, first, last, scale, softcap_value, out, stats);
}

}  // namespace xc::avx2

#else

namespace xc::avx2 {
bool attend_decode(const cpu::KvHeadView&, const float*, int, int, int, float, float, float*, float*) { return false; }
}  // namespace xc::avx2

#endif
