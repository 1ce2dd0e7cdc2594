#include <algorithm>
#include <cmath>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {

void rope_angles(int pos, const RopeParams& p, float* cos_sin) {
  const int half = p.dims / 2;
  for (int i = 0; i < half; i++) {
    double frequency = std::pow(static_cast<double>(p.base), -2.0 * i / p.dims);
    if (p.freq_factors != nullptr) frequency /= p.freq_factors[i];
    double scale = p.scale;
    if (p.ext_factor != 0) {  // ggml's rope_yarn: theta is linear in pos, so the mix scales the frequency
      const double span = std::max(0.001, static_cast<double>(p.correction_high) - p.correction_low);
      const double ramp = 1.0 - std::clamp((i - static_cast<double>(p.correction_low)) / span, 0.0, 1.0);
      const double mix = ramp * p.ext_factor;
      scale = p.scale * (1 - mix) + mix;
    }
    const double theta = static_cast<double>(pos) * scale * frequency;
    cos_sin[2 * i] = static_cast<float>(std::cos(theta) * p.magnitude);
    cos_sin[2 * i + 1] = static_cast<float>(std::sin(theta) * p.magnitude);
  }
}

void rope_rotate(float* x, int heads, int head_dim, const float* cos_sin, const RopeParams& p) {
  const int half = p.dims / 2;
  for (int h = 0; h < heads; h++) {
    float* v = x + static_cast<int64_t>(h) * head_dim;
    for (int i = 0; i < half; i++) {
      const float c = cos_sin[2 * i];
      const float s = cos_sin[2 * i + 1];
      const int a = p.style == RopeStyle::Normal ? 2 * i : i;
      const int b = p.style == RopeStyle::Normal ? 2 * i + 1 : i + half;
      const float x0 = v[a];
      const float x1 = v[b];
      v[a] = x0 * c - x1 * s;
      v[b] = x0 * s + x1 * c;
    }
  }
}

}  // namespace xc::cpu
