// AVX-512 gate = silu(gate) · up: avx2::silu_mul's operations on 16 lanes instead of 8 (the same clamp,
// the same exp polynomial with the same constants, 2^k applied exactly, the same division), so each
// element comes out bit-identical to the AVX2 table's (a harness check compares them). The last n mod 16
// elements go to avx2::silu_mul, which runs them through the same 8-lane and scalar paths as it would
// over the whole row.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/avx512-attention.h"  // exp16: avx2::exp_ps's polynomial on 16 lanes

namespace xc::avx512 {

void silu_mul(float* gate, const float* up, int64_t n) {
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m512 g = _mm512_loadu_ps(gate + i);
    const __m512 e = avx512_attention::exp16(_mm512_sub_ps(_mm512_setzero_ps(), g));
    const __m512 silu = _mm512_div_ps(g, _mm512_add_ps(_mm512_set1_ps(1.0f), e));
    _mm512_storeu_ps(gate + i, _mm512_mul_ps(silu, _mm512_loadu_ps(up + i)));
  }
  if (i < n) avx2::silu_mul(gate + i, up + i, n - i);
}

}  // namespace xc::avx512

namespace xc {
bool add_avx512_activations(KernelTable& t) {
  t.silu_mul = avx512::silu_mul;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_activations(KernelTable&) { return false; }
}  // namespace xc

#endif
