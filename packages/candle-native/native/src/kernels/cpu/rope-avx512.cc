// AVX-512 RoPE rotation, cpu::rope_rotate bit for bit: 8 pairs a vector. Each output is the portable
// code's two products and their difference or sum, each rounded (explicitly rounded adds, which the
// compiler does not contract into FMAs; the portable code is built without FMA), and a + b = b + a.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "kernels/cpu/avx512-gcc-warnings.h"

#include "kernels/cpu/cpu-ops.h"

namespace xc::avx512 {

namespace {

constexpr int kRounding = _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC;
constexpr __mmask16 kEvenLanes = 0x5555;

// first · c − second · s and first · s + second · c, lane by lane
inline void rotate(__m512& first, __m512& second, __m512 c, __m512 s) {
  const __m512 a = _mm512_sub_round_ps(_mm512_mul_ps(first, c), _mm512_mul_ps(second, s), kRounding);
  const __m512 b = _mm512_add_round_ps(_mm512_mul_ps(first, s), _mm512_mul_ps(second, c), kRounding);
  first = a, second = b;
}

// Normal style: pairs (2i, 2i + 1) side by side, 8 to a vector, beside their interleaved cos and sin.
void rotate_adjacent(float* v, int dims, const float* cos_sin) {
  for (int i = 0; i < dims; i += 16) {
    const __m512 x = _mm512_loadu_ps(v + i), cs = _mm512_loadu_ps(cos_sin + i);
    const __m512 c = _mm512_moveldup_ps(cs), s = _mm512_movehdup_ps(cs);
    const __m512 products = _mm512_mul_ps(x, c);                                     // x0·c, x1·c
    const __m512 crossed = _mm512_mul_ps(_mm512_permute_ps(x, _MM_SHUFFLE(2, 3, 0, 1)), s);  // x1·s, x0·s
    const __m512 sums = _mm512_add_round_ps(products, crossed, kRounding);           // odd lanes: x1·c + x0·s
    _mm512_storeu_ps(v + i, _mm512_mask_sub_round_ps(sums, kEvenLanes, products, crossed, kRounding));
  }
}

// NeoX style: pair i is (i, i + dims / 2); 16 pairs a step, their cos and sin split out of the table.
void rotate_halves(float* v, int dims, const float* cos_sin) {
  const int half = dims / 2;
  const __m512i evens = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odds = _mm512_add_epi32(evens, _mm512_set1_epi32(1));
  for (int i = 0; i < half; i += 16) {
    const __m512 lo = _mm512_loadu_ps(cos_sin + 2 * i), hi = _mm512_loadu_ps(cos_sin + 2 * i + 16);
    __m512 first = _mm512_loadu_ps(v + i), second = _mm512_loadu_ps(v + half + i);
    rotate(first, second, _mm512_permutex2var_ps(lo, evens, hi), _mm512_permutex2var_ps(lo, odds, hi));
    _mm512_storeu_ps(v + i, first);
    _mm512_storeu_ps(v + half + i, second);
  }
}

void rope_rotate(float* x, int heads, int head_dim, const float* cos_sin, const cpu::RopeParams& p) {
  const bool neox = p.style == cpu::RopeStyle::Neox;
  if (p.dims % 32 != 0) return cpu::rope_rotate(x, heads, head_dim, cos_sin, p);
  for (int h = 0; h < heads; h++) {
    float* v = x + static_cast<int64_t>(h) * head_dim;
    if (neox) {
      rotate_halves(v, p.dims, cos_sin);
    } else {
      rotate_adjacent(v, p.dims, cos_sin);
    }
  }
}

}  // namespace

}  // namespace xc::avx512

namespace xc {
bool add_avx512_rope(KernelTable& t) {
  t.rope_rotate = avx512::rope_rotate;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_rope(KernelTable&) { return false; }
}  // namespace xc

#endif
