#pragma once

// Host-side helpers shared by the GPU twins (gpu-twins*.cc); CUDA builds only.
#if XC_HAS_CUDA

#include <cmath>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

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

}  // namespace xch::twin

#endif
