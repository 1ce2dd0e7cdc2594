#pragma once

#include <cstdint>
#include <string>

namespace xc::cuda {

struct CudaDeviceFacts {
  int index = 0;
  std::string name;
  int major = 0;  // compute capability
  int minor = 0;
  int64_t memory_bytes = 0;
  int driver_version = 0;  // CUDA version the driver supports, e.g. 13000
};

// The GPU cuda:index, if this build can run on it. Fails with XC_ERR_NO_DEVICE and a message that
// says which of these it is: no NVIDIA driver or no GPU, index out of range, a driver older than the
// CUDA runtime linked in, or a GPU this build has neither machine code nor PTX for.
CudaDeviceFacts probe_cuda_device(int index);

// "sm_80 sm_90a": the architectures this build has machine code for.
const char* cuda_architectures();

}  // namespace xc::cuda
