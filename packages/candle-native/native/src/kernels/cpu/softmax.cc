#include <cmath>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {

void softmax(float* x, int64_t n) {
  if (n <= 0) return;
  float max = x[0];
  for (int64_t i = 1; i < n; i++) max = std::fmax(max, x[i]);
  double sum = 0;
  for (int64_t i = 0; i < n; i++) {
    x[i] = std::exp(x[i] - max);
    sum += x[i];
  }
  const float inverse = static_cast<float>(1.0 / sum);
  for (int64_t i = 0; i < n; i++) x[i] *= inverse;
}

}  // namespace xc::cpu
