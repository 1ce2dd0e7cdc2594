// AVX2 SiLU-gated product (the feed-forward's act(gate) · up).
#include "kernels/cpu/cpu-ops.h"

#if defined(__AVX2__) && defined(__FMA__)
#include "kernels/cpu/avx2-helpers.h"

namespace xc::avx2 {

void silu_mul(float* gate, const float* up, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 g = _mm256_loadu_ps(gate + i);
    const __m256 silu = _mm256_div_ps(g, _mm256_add_ps(_mm256_set1_ps(1.0f), exp_ps(_mm256_sub_ps(_mm256_setzero_ps(), g))));
    _mm256_storeu_ps(gate + i, _mm256_mul_ps(silu, _mm256_loadu_ps(up + i)));
  }
  if (i < n) cpu::silu_mul(gate + i, up + i, n - i);
}

}  // namespace xc::avx2

#else

namespace xc::avx2 {
void silu_mul(float* gate, const float* up, int64_t n) { cpu::silu_mul(gate, up, n); }
}  // namespace xc::avx2

#endif
