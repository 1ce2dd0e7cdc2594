#include "engine/device.h"

#include <cstring>

#include "common/error.h"
#if XC_HAS_CUDA
#include "kernels/cuda/cuda-probe.h"
#endif

namespace xc {

Device parse_device(const char* text) {
  if (text == nullptr || *text == '\0' || std::strcmp(text, "cpu") == 0) return Device{};
  if (std::strcmp(text, "cuda") == 0) return Device{DeviceKind::Cuda, 0};
  if (std::strncmp(text, "cuda:", 5) == 0) {
    const char* digits = text + 5;
    const size_t length = std::strlen(digits);
    bool valid = length > 0 && length <= 6;
    int index = 0;
    for (size_t i = 0; valid && i < length; i++) {
      valid = digits[i] >= '0' && digits[i] <= '9';
      index = index * 10 + (digits[i] - '0');
    }
    if (valid) return Device{DeviceKind::Cuda, index};
  }
  fail(XC_ERR_INVALID_ARGUMENT, std::string("unknown device '") + text + "' (expected cpu, cuda or cuda:N)");
}

const Device& require_device(const Device& device) {
  if (device.kind == DeviceKind::Cpu) return device;
#if XC_HAS_CUDA
  const cuda::CudaDeviceFacts facts = cuda::probe_cuda_device(device.index);
  fail(XC_ERR_UNSUPPORTED, "device '" + device.name() + "' (" + facts.name + ", compute capability " +
                               std::to_string(facts.major) + "." + std::to_string(facts.minor) +
                               ") is usable, but the engine has no CUDA forward pass yet; use device 'cpu'");
#else
  fail(XC_ERR_NO_DEVICE, "device '" + device.name() +
                             "' unavailable: built without CUDA (nvcc was not found at build time, or XC_CUDA=OFF)");
#endif
}

}  // namespace xc
