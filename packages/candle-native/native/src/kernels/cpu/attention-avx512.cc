// AVX-512 attention of a group of query heads, for up to sixteen consecutive query tokens, against one
// kv head (attention_tokens' contract; the AVX2 twin is attention-avx2.cc): each K/V block is widened
// to f32 once, then scores and value sums are small matrix products over every (token, head) row at
// once, sixteen rows to a vector, tiles of three row vectors × eight keys (scores) or eight head
// dimensions (values) held in registers, each key or value element broadcast from memory into its
// FMA. Fewer than sixteen rows, and f32 caches' single decode tokens, go to the AVX2 kernels; a single
// decode token over an f16 cache to attend_decode (attention-decode-avx512.cc).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__F16C__) && defined(__AVX2__) && defined(__FMA__)
#include <limits>

#include "kernels/cpu/attention-tokens-driver.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/avx512-attention.h"

namespace xc::avx512 {

bool attend_decode(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                   float softcap_value, float* out, float* stats);

using namespace avx512_attention;

namespace {

// The multi-token driver's AVX-512 parts: tiles of eight keys or eight head dimensions, the next
// block's K/V requested in eight pieces, one per tile.
struct Tokens : Avx512Lanes {
  static constexpr int kScoreKeys = 8;
  static constexpr int kValueDims = 8;
  static constexpr int kRequestPieces = 8;
  static constexpr bool kBlocksOnStack = false;
  static void mask_window(float* s, const int* first, const int* last, int key_index) {
    const __m512i key = _mm512_set1_epi32(key_index);
    const __mmask16 outside = _mm512_cmpgt_epi32_mask(_mm512_load_si512(first), key) |
                              _mm512_cmpgt_epi32_mask(key, _mm512_load_si512(last));
    _mm512_store_ps(s, _mm512_mask_mov_ps(_mm512_load_ps(s), outside, _mm512_set1_ps(-std::numeric_limits<float>::infinity())));
  }
  static __m512 exp_live(__m512 x, __m512 max) {
    const __m512 minus_infinity = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
    return _mm512_maskz_mov_ps(_mm512_cmp_ps_mask(x, minus_infinity, _CMP_GT_OQ), exp16(_mm512_sub_ps(x, max)));
  }
};

bool attend_tokens(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
                   const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats) {
  if (tokens == 1 && kv.f16) return attend_decode(kv, q, heads, first[0], last[0], scale, softcap_value, out, stats);
  if (heads <= cpu::kTokensMaxHeads && tokens <= cpu::kTokensMaxTokens && tokens >= 1 && tokens * heads >= 16) {
    switch (kv.head_dim) {
      case 64: cpu::attend_rows<Tokens, 64>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      case 128: cpu::attend_rows<Tokens, 128>(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats); return true;
      default: break;
    }
  }
  return avx2::attend_tokens(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, stats);
}

bool attend_group(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                  float softcap_value, float* out) {
  return attend_tokens(kv, q, 0, 1, heads, &first, &last, scale, softcap_value, out, 0, nullptr);
}

}  // namespace

}  // namespace xc::avx512

namespace xc {
bool add_avx512_attention(KernelTable& t) {
  t.attend_tokens = avx512::attend_tokens;
  t.attend_group = avx512::attend_group;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_attention(KernelTable&) { return false; }
}  // namespace xc

#endif
