#include <cmath>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {

// The sum of squares runs in 8 independent double chains: one chain made a 576-wide row wait on
// 576 dependent adds (≈ 0.5 µs, 16 rows a layer in a decode batch of 8), and the compiler may not
// reorder a floating-point sum itself.
void rms_norm(const float* x, const float* weight, float* y, int64_t n, float eps) {
  constexpr int kChains = 8;
  double partial[kChains] = {};
  int64_t i = 0;
  for (; i + kChains <= n; i += kChains) {
    for (int c = 0; c < kChains; c++) partial[c] += static_cast<double>(x[i + c]) * x[i + c];
  }
  for (; i < n; i++) partial[0] += static_cast<double>(x[i]) * x[i];
  double sum = 0;
  for (double p : partial) sum += p;
  const float scale = rms_scale(sum, n, eps);
  for (int64_t j = 0; j < n; j++) y[j] = x[j] * scale * weight[j];
}

void add_rms_norm_rows(float* x, const float* delta, const float* weight, float* y, int64_t n, int64_t rows, float eps) {
  for (int64_t r = 0; r < rows; r++) {
    float* row = x + r * n;
    if (delta != nullptr) {
      for (int64_t i = 0; i < n; i++) row[i] += delta[r * n + i];
    }
    if (weight != nullptr) rms_norm(row, weight, y + r * n, n, eps);
  }
}

}  // namespace xc::cpu
