#pragma once

#include <string>

namespace xc {

enum class DeviceKind { Cpu, Cuda };

struct Device {
  DeviceKind kind = DeviceKind::Cpu;
  int index = 0;
  std::string name() const { return kind == DeviceKind::Cpu ? "cpu" : "cuda:" + std::to_string(index); }
};

// "cpu" (or null/empty), "cuda", "cuda:N". A CUDA request fails with XC_ERR_NO_DEVICE while the
// library is built without CUDA kernels, instead of silently running on the CPU.
Device parse_device(const char* text);

}  // namespace xc
