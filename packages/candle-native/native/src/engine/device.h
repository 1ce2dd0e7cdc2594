#pragma once

#include <string>

namespace xc {

enum class DeviceKind { Cpu, Cuda };

struct Device {
  DeviceKind kind = DeviceKind::Cpu;
  int index = 0;
  std::string name() const { return kind == DeviceKind::Cpu ? "cpu" : "cuda:" + std::to_string(index); }
};

// "cpu" (or null/empty), "cuda", "cuda:N"; anything else fails with XC_ERR_INVALID_ARGUMENT.
Device parse_device(const char* text);

// Returns `device` when the engine can run on it. A CUDA device fails with XC_ERR_NO_DEVICE saying
// which: built without CUDA, no CUDA device (or the index is out of range), a driver too old for
// this build, or a GPU it has no code for. A usable GPU fails with XC_ERR_UNSUPPORTED for now: the
// CUDA kernels exist (kernels/cuda), the CUDA forward pass does not yet; it never falls back to the CPU.
const Device& require_device(const Device& device);

}  // namespace xc
