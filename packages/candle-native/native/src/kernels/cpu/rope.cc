#include <cmath>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {

void rope(float* x, int heads, int head_dim, int pos, const RopeParams& p) {
  const int half = p.dims / 2;
  for (int i = 0; i < half; i++) {
    double frequency = std::pow(static_cast<double>(p.base), -2.0 * i / p.dims);
    if (p.freq_factors != nullptr) frequency /= p.freq_factors[i];
    const double theta = static_cast<double>(pos) * p.scale * frequency;
    const float c = static_cast<float>(std::cos(theta));
    const float s = static_cast<float>(std::sin(theta));
    const int a = p.style == RopeStyle::Normal ? 2 * i : i;
    const int b = p.style == RopeStyle::Normal ? 2 * i + 1 : i + half;
    for (int h = 0; h < heads; h++) {
      float* v = x + static_cast<int64_t>(h) * head_dim;
      const float x0 = v[a];
      const float x1 = v[b];
      v[a] = x0 * c - x1 * s;
      v[b] = x0 * s + x1 * c;
    }
  }
}

}  // namespace xc::cpu
