// AVX-512 residual add and RMS norm of a prompt's rows, cpu::add_rms_norm_rows bit for bit: the add and
// the sum of squares in one pass, then the scaled row. The sum is rms_norm's 8 double chains (element i + c
// in chain c), here the lanes of one vector; the square of a float is exact in double, so the fused
// multiply-add rounds as rms_norm's multiply then add, and the scale and its products are rms_norm's own
// operations. One row at a time: 2 or 4 rows' chains side by side ran faster alone (≈ 120 against 230 ns a
// 576-float row for the scalar code) but slower inside SmolLM2's prefill (perf samples 185–224 against the
// scalar code's 129–178), where one row took 93–150.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX2__) && defined(__FMA__)
#include <immintrin.h>

#include "kernels/cpu/avx512-gcc-warnings.h"

#include "kernels/cpu/cpu-ops.h"

namespace xc::avx512 {

namespace {

constexpr int64_t kLanes = 16;

inline __m512d low_doubles(__m512 v) { return _mm512_cvtps_pd(_mm512_castps512_ps256(v)); }
inline __m512d high_doubles(__m512 v) {
  return _mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)));
}

// A row of n (a multiple of 16) floats: x += delta (nullptr: nothing added), then y = rms_norm(x) · weight.
void add_norm_row(float* x, const float* delta, const float* weight, float* y, int64_t n, float eps) {
  __m512d chains = _mm512_setzero_pd();
  for (int64_t i = 0; i < n; i += kLanes) {
    __m512 v = _mm512_loadu_ps(x + i);
    if (delta != nullptr) {
      v = _mm512_add_ps(v, _mm512_loadu_ps(delta + i));
      _mm512_storeu_ps(x + i, v);
    }
    const __m512d low = low_doubles(v), high = high_doubles(v);
    chains = _mm512_fmadd_pd(high, high, _mm512_fmadd_pd(low, low, chains));
  }
  alignas(64) double partial[8];
  _mm512_store_pd(partial, chains);
  double sum = 0;
  for (double p : partial) sum += p;
  const __m512 scale = _mm512_set1_ps(cpu::rms_scale(sum, n, eps));
  for (int64_t i = 0; i < n; i += kLanes) {
    _mm512_storeu_ps(y + i, _mm512_mul_ps(_mm512_mul_ps(_mm512_loadu_ps(x + i), scale), _mm512_loadu_ps(weight + i)));
  }
}

void add_rms_norm_rows(float* x, const float* delta, const float* weight, float* y, int64_t n, int64_t rows, float eps) {
  if (weight == nullptr || n % kLanes != 0) return cpu::add_rms_norm_rows(x, delta, weight, y, n, rows, eps);
  for (int64_t r = 0; r < rows; r++) add_norm_row(x + r * n, delta == nullptr ? nullptr : delta + r * n, weight, y + r * n, n, eps);
}

}  // namespace

}  // namespace xc::avx512

namespace xc {
bool add_avx512_rms_norm(KernelTable& t) {
  t.add_rms_norm_rows = avx512::add_rms_norm_rows;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_rms_norm(KernelTable&) { return false; }
}  // namespace xc

#endif
