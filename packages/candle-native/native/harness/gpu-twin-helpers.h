#pragma once

// Host-side helpers shared by the GPU twins (gpu-twins*.cc); CUDA builds only.
#if XC_HAS_CUDA

#include <cmath>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "gpu-twins.h"
#include "kernels/cuda/device-buffer.h"

namespace xch::twin {

inline std::vector<float> random_floats(std::mt19937& rng, size_t n, float low, float high) {
  std::uniform_real_distribution<float> dist(low, high);
  std::vector<float> values(n);
  for (float& v : values) v = dist(rng);
  return values;
}

template <typename T>
std::unique_ptr<xc::cuda::DeviceBuffer> on_device(const std::vector<T>& host) {
  auto buffer = std::make_unique<xc::cuda::DeviceBuffer>(host.size() * sizeof(T));
  buffer->upload(host.data(), host.size() * sizeof(T));
  return buffer;
}

template <typename T = float>
std::vector<T> download(const xc::cuda::DeviceBuffer& buffer, size_t count) {
  std::vector<T> host(count);
  buffer.download(host.data(), count * sizeof(T));
  return host;
}

// "" when every value is finite, else how many are not (unwritten outputs keep their NaN poison).
inline std::string unwritten(const std::vector<float>& values) {
  size_t bad = 0;
  for (const float v : values) bad += std::isfinite(v) ? 0 : 1;
  return bad == 0 ? "" : std::to_string(bad) + " of " + std::to_string(values.size()) + " outputs unwritten or not finite";
}

// A GEMV's outputs `all` (`tokens` rows of `stride` floats, the first `rows` of each written) against
// dot(t, r) + bias[r], stored over or added to `before`; the gaps past `rows` must keep their poison.
template <typename Dot>
TwinResult compare_gemv_outputs(const std::vector<float>& all, const std::vector<float>& before, int tokens,
                                int64_t rows, int64_t stride, const float* bias, bool accumulate, Dot dot) {
  std::vector<float> got, expected;
  size_t gaps_touched = 0;
  for (int t = 0; t < tokens; t++) {
    for (int64_t r = 0; r < stride; r++) {
      const size_t at = static_cast<size_t>(t * stride + r);
      if (r >= rows) {
        gaps_touched += std::memcmp(&all[at], &before[at], sizeof(float)) != 0 ? 1 : 0;
        continue;
      }
      float value = dot(t, r);
      if (bias != nullptr) value += bias[r];
      expected.push_back(accumulate ? before[at] + value : value);
      got.push_back(all[at]);
    }
  }
  TwinResult result{relative_l2(got.data(), expected.data(), got.size()), unwritten(got)};
  if (result.problem.empty() && gaps_touched > 0) {
    result.problem = std::to_string(gaps_touched) + " elements between output rows were written";
  }
  return result;
}

}  // namespace xch::twin

#endif
