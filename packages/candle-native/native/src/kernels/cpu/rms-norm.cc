#include <cmath>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {

void rms_norm(const float* x, const float* weight, float* y, int64_t n, float eps) {
  double sum = 0;
  for (int64_t i = 0; i < n; i++) sum += static_cast<double>(x[i]) * x[i];
  const float scale = static_cast<float>(1.0 / std::sqrt(sum / static_cast<double>(n) + eps));
  for (int64_t i = 0; i < n; i++) y[i] = x[i] * scale * weight[i];
}

}  // namespace xc::cpu
