#include "kernels/cuda/cuda-probe.h"

#include <cuda_runtime_api.h>

#include <string>

#include "common/error.h"

namespace xc::cuda {

namespace {

std::string cuda_version_text(int version) {
  return std::to_string(version / 1000) + "." + std::to_string(version % 1000 / 10);
}

std::string build_targets() {
  std::string text = std::string("this build has machine code for ") + XC_CUDA_SM_NAMES;
  if (XC_CUDA_PTX_ARCH != 0) text += " and PTX for compute_" + std::to_string(XC_CUDA_PTX_ARCH);
  return text;
}

// Machine code for sm_XY runs on compute capability X.Y only ("a" variants too); PTX for compute_P
// is compiled by the driver for any capability ≥ P.
bool runs_on(int major, int minor) {
  const int capability = major * 10 + minor;
  const std::string names = std::string(" ") + XC_CUDA_SM_NAMES + " ";
  const std::string plain = " sm_" + std::to_string(capability);
  if (names.find(plain + " ") != std::string::npos || names.find(plain + "a ") != std::string::npos) return true;
  return XC_CUDA_PTX_ARCH != 0 && capability >= XC_CUDA_PTX_ARCH;
}

[[noreturn]] void no_device(int index, const std::string& why) {
  fail(XC_ERR_NO_DEVICE, "device 'cuda:" + std::to_string(index) + "' unavailable: " + why);
}

}  // namespace

CudaDeviceFacts probe_cuda_device(int index) {
  CudaDeviceFacts facts;
  facts.index = index;
  // 0 without an installed driver (libcuda.so.1 not found), whatever the call returns
  if (cudaDriverGetVersion(&facts.driver_version) != cudaSuccess || facts.driver_version == 0) {
    no_device(index, "no CUDA device: no NVIDIA driver on this machine (built with CUDA " +
                         cuda_version_text(CUDART_VERSION) + ")");
  }
  if (facts.driver_version < CUDART_VERSION) {
    no_device(index, "the NVIDIA driver is too old for this build: it supports CUDA " +
                         cuda_version_text(facts.driver_version) + ", the addon was built with CUDA " +
                         cuda_version_text(CUDART_VERSION) + " (update the driver)");
  }
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status == cudaErrorInsufficientDriver) {
    no_device(index, "the NVIDIA driver is too old for this build (built with CUDA " +
                         cuda_version_text(CUDART_VERSION) + ")");
  }
  if (status == cudaErrorNoDevice || (status == cudaSuccess && count == 0)) {
    no_device(index, "no CUDA device: the driver (CUDA " + cuda_version_text(facts.driver_version) + ") sees no GPU");
  }
  if (status != cudaSuccess) {
    no_device(index, std::string("no CUDA device: cudaGetDeviceCount failed: ") + cudaGetErrorName(status) + " (" +
                         cudaGetErrorString(status) + ")");
  }
  if (index < 0 || index >= count) {
    no_device(index, "no CUDA device with that index: this machine has " + std::to_string(count) + " (cuda:0" +
                         (count > 1 ? " to cuda:" + std::to_string(count - 1) : std::string()) + ")");
  }
  cudaDeviceProp properties{};
  const cudaError_t read = cudaGetDeviceProperties(&properties, index);
  if (read != cudaSuccess) {
    no_device(index, std::string("cudaGetDeviceProperties failed: ") + cudaGetErrorName(read));
  }
  facts.name = properties.name;
  facts.major = properties.major;
  facts.minor = properties.minor;
  facts.memory_bytes = static_cast<int64_t>(properties.totalGlobalMem);
  if (!runs_on(facts.major, facts.minor)) {
    no_device(index, facts.name + " has compute capability " + std::to_string(facts.major) + "." +
                         std::to_string(facts.minor) + ", but " + build_targets());
  }
  return facts;
}

const char* cuda_architectures() { return XC_CUDA_SM_NAMES; }

}  // namespace xc::cuda
