#include "kernels/cuda/device-timer.h"

#include "kernels/cuda/cuda-check.h"

namespace xc::cuda {

DeviceTimer::DeviceTimer() {
  check_cuda(cudaEventCreate(reinterpret_cast<cudaEvent_t*>(&start_)), "cudaEventCreate");
  check_cuda(cudaEventCreate(reinterpret_cast<cudaEvent_t*>(&stop_)), "cudaEventCreate");
}

DeviceTimer::~DeviceTimer() {
  cudaEventDestroy(static_cast<cudaEvent_t>(start_));
  cudaEventDestroy(static_cast<cudaEvent_t>(stop_));
}

void DeviceTimer::start() { check_cuda(cudaEventRecord(static_cast<cudaEvent_t>(start_)), "cudaEventRecord"); }

float DeviceTimer::stop_ms() {
  check_cuda(cudaEventRecord(static_cast<cudaEvent_t>(stop_)), "cudaEventRecord");
  check_cuda(cudaEventSynchronize(static_cast<cudaEvent_t>(stop_)), "a timed CUDA kernel");
  float ms = 0;
  check_cuda(cudaEventElapsedTime(&ms, static_cast<cudaEvent_t>(start_), static_cast<cudaEvent_t>(stop_)),
             "cudaEventElapsedTime");
  return ms;
}

void copy_on_device(void* dst, const void* src, size_t bytes) {
  check_cuda(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice), "cudaMemcpyAsync on the device");
}

}  // namespace xc::cuda
