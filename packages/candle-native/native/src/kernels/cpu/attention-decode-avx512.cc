// AVX-512 attention of one decode token's query heads against one kv head over f16 K/V rows read in
// place (the AVX2 twin is attention-decode-avx2.cc). Up to three heads go over each key block
// together: the (pre-scaled) queries sit in registers, eight keys × three heads of 16-lane partial
// sums accumulate as 24 independent chains with each key chunk widened once (vcvtph2ps zmm), and an
// add tree turns eight keys' partial sums into one vector of scores. The softmax's max and exp run 16
// scores at a time, and the value pass keeps three heads × 64 output floats in registers.
// Against the AVX2 kernel on the SmolLM2 shape (attention-bench, 1 thread, busy machine): a 512-key
// step ~0.45 ms of CPU instead of ~0.67 with the K/V evicted first (both with the spread-out
// requests of attention-decode-driver.h; 1.1–1.3 before them), ~0.44 instead of ~0.76 with it left
// in cache. Four heads at once (four keys × four heads of sums, for Qwen2.5's 7 and TinyLlama's 8 heads per kv head)
// measured no faster than 3 + 3 + 2.
// attend_decode_rows: a decode batch's rows over the same pages together (decode_rows in the driver);
// score8 and score_rest then read keys widened once into an f32 block (key16).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__F16C__)
#include <limits>

#include "kernels/cpu/attention-decode-driver.h"
#include "kernels/cpu/avx512-attention.h"

namespace xc::avx512 {

using namespace avx512_attention;

namespace {

using cpu::kDecodeBlock;

// A key chunk: widened from the cache's f16, or loaded from a block widened before.
inline __m512 key16(const uint16_t* h) { return widen16(h); }
inline __m512 key16(const float* f) { return _mm512_loadu_ps(f); }

inline __mmask16 lanes(int left) { return left >= 16 ? 0xFFFF : static_cast<__mmask16>((1u << left) - 1); }

// The decode driver's AVX-512 parts: pre-scaled queries, eight keys' scores per add tree, masked
// 16-wide max and exp.
struct Decode : Avx512Lanes {
  static constexpr int kValueChunks = 4;

  template <int N>
  static const float* queries(const float* q, float scale, float* scaled) {
    const __m512 scale16 = _mm512_set1_ps(scale);
    for (int i = 0; i < N; i += 16) _mm512_store_ps(scaled + i, _mm512_mul_ps(_mm512_loadu_ps(q + i), scale16));
    return scaled;
  }

  // Scores of keys [j, j + 8) for H heads (qs: H pre-scaled rows of 16·V floats).
  template <int V, int H, class T>
  static void score8(const T* keys, const float* qs, float, int j, float (*scores)[kDecodeBlock]) {
    constexpr int hd = 16 * V;
    __m512 a[H][8];
    for (int h = 0; h < H; h++) {
      for (int u = 0; u < 8; u++) a[h][u] = _mm512_setzero_ps();
    }
    for (int v = 0; v < V; v++) {
      __m512 qv[H];
      for (int h = 0; h < H; h++) qv[h] = _mm512_load_ps(qs + h * hd + 16 * v);
      for (int u = 0; u < 8; u++) {
        const __m512 k = key16(keys + (j + u) * hd + 16 * v);
        for (int h = 0; h < H; h++) a[h][u] = _mm512_fmadd_ps(k, qv[h], a[h][u]);
      }
    }
    for (int h = 0; h < H; h++) _mm256_store_ps(scores[h] + j, reduce8(a[h]));
  }

  template <int V, int H, class T>
  static void score_rest(const T* keys, const float* qs, float, int j, int count, float (*scores)[kDecodeBlock]) {
    constexpr int hd = 16 * V;
    for (; j < count; j++) {
      __m512 a[H];
      for (int h = 0; h < H; h++) a[h] = _mm512_setzero_ps();
      for (int v = 0; v < V; v++) {
        const __m512 k = key16(keys + j * hd + 16 * v);
        for (int h = 0; h < H; h++) a[h] = _mm512_fmadd_ps(k, _mm512_load_ps(qs + h * hd + 16 * v), a[h]);
      }
      for (int h = 0; h < H; h++) scores[h][j] = _mm512_reduce_add_ps(a[h]);
    }
  }

  static float block_max(const float* s, int count) {
    const __m512 minus_infinity = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    __m512 top = minus_infinity;
    for (int j = 0; j < count; j += 16) top = _mm512_max_ps(top, _mm512_mask_loadu_ps(minus_infinity, lanes(count - j), s + j));
    return _mm512_reduce_max_ps(top);
  }

  static void exponentiate(float* s, int count, float max, float& denominator) {
    const __m512 m = _mm512_set1_ps(max);
    __m512 sum = _mm512_setzero_ps();
    for (int j = 0; j < count; j += 16) {
      const __mmask16 live = lanes(count - j);
      const __m512 e = _mm512_maskz_mov_ps(live, exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(live, s + j), m)));
      _mm512_store_ps(s + j, e);
      sum = _mm512_add_ps(sum, e);
    }
    denominator += _mm512_reduce_add_ps(sum);
  }
};

}  // namespace

bool attend_decode(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                   float softcap_value, float* out, float* stats) {
  return cpu::decode<Decode>(kv, q, heads, first, last, scale, softcap_value, out, stats);
}

bool attend_decode_rows(const cpu::DecodeRow* rows, int count, int heads, float scale, float softcap_value) {
  return cpu::decode_rows<Decode>(rows, count, heads, scale, softcap_value);
}

}  // namespace xc::avx512

namespace xc {
bool add_avx512_decode_rows(KernelTable& t) {
  t.attend_decode_rows = avx512::attend_decode_rows;
  return true;
}
}  // namespace xc

#else

namespace xc::avx512 {
bool attend_decode(const cpu::KvHeadView&, const float*, int, int, int, float, float, float*, float*) { return false; }
}  // namespace xc::avx512
namespace xc {
bool add_avx512_decode_rows(KernelTable&) { return false; }
}  // namespace xc

#endif
