#pragma once

#include <cuda_runtime_api.h>

#include <string>

#include "common/error.h"

namespace xc::cuda {

// Turns a failed CUDA call into the engine's error: out of memory is XC_ERR_OUT_OF_MEMORY, anything
// else XC_ERR_INTERNAL naming the call.
inline void check_cuda(cudaError_t status, const char* what) {
  if (status == cudaSuccess) return;
  const xc_code code = status == cudaErrorMemoryAllocation ? XC_ERR_OUT_OF_MEMORY : XC_ERR_INTERNAL;
  fail(code, std::string(what) + ": " + cudaGetErrorName(status) + " (" + cudaGetErrorString(status) + ")");
}

// After a kernel launch: reports a bad launch configuration at once.
inline void check_launch(const char* kernel) { check_cuda(cudaGetLastError(), kernel); }

}  // namespace xc::cuda
