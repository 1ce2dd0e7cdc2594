// AVX2 activation quantizers (bit-identical to quantize-scalar.cc).
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx2-kernels.h"
#include "kernels/cpu/block-types.h"

namespace xc::avx2 {

void quantize_q8_0(const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8_0*>(out);
  for (int64_t i = 0; i < n / kQK8_0; i++) {
    const float* v = x + i * kQK8_0;
    const float amax = amax32(v, kQK8_0);
    blocks[i].d = amax / 127.0f;
    quantize32(v, amax != 0 ? 127.0f / amax : 0.0f, blocks[i].qs);
  }
}

void quantize_q8_k(const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8K*>(out);
  for (int64_t i = 0; i < n / kQK_K; i++) {
    const float* v = x + i * kQK_K;
    const float amax = amax32(v, kQK_K);
    blocks[i].d = amax / 127.0f;
    const float id = amax != 0 ? 127.0f / amax : 0.0f;
    for (int j = 0; j < kQK_K; j += 32) quantize32(v + j, id, blocks[i].qs + j);
    for (int g = 0; g < kQK_K / 16; g++) {
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[i].qs + 16 * g));
      const __m256i wide = _mm256_cvtepi8_epi16(q);
      __m128i s = _mm_add_epi16(_mm256_castsi256_si128(wide), _mm256_extracti128_si256(wide, 1));
      s = _mm_hadd_epi16(s, s);
      s = _mm_hadd_epi16(s, s);
      s = _mm_hadd_epi16(s, s);
      blocks[i].bsums[g] = static_cast<int16_t>(_mm_extract_epi16(s, 0));
    }
  }
}

void f16_to_f32(const uint16_t* x, float* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i))));
  for (; i < n; i++) y[i] = half(x[i]);
}

}  // namespace xc::avx2

#endif
