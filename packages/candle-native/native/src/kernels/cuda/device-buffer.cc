#include "kernels/cuda/device-buffer.h"

#include <string>

#include "kernels/cuda/cuda-check.h"

namespace xc::cuda {

DeviceBuffer::DeviceBuffer(size_t bytes) : bytes_(bytes) {
  check_cuda(cudaMalloc(&data_, bytes == 0 ? 1 : bytes), ("cudaMalloc of " + std::to_string(bytes) + " bytes").c_str());
}

DeviceBuffer::~DeviceBuffer() { cudaFree(data_); }

void DeviceBuffer::upload(const void* host, size_t bytes) {
  if (bytes > bytes_) fail(XC_ERR_INVALID_ARGUMENT, "upload larger than the device buffer");
  check_cuda(cudaMemcpy(data_, host, bytes, cudaMemcpyHostToDevice), "cudaMemcpy to the device");
}

void DeviceBuffer::download(void* host, size_t bytes) const {
  if (bytes > bytes_) fail(XC_ERR_INVALID_ARGUMENT, "download larger than the device buffer");
  check_cuda(cudaMemcpy(host, data_, bytes, cudaMemcpyDeviceToHost), "cudaMemcpy from the device");
}

void DeviceBuffer::fill(uint8_t byte) { check_cuda(cudaMemset(data_, byte, bytes_), "cudaMemset"); }

void synchronize() { check_cuda(cudaDeviceSynchronize(), "a CUDA kernel"); }

}  // namespace xc::cuda
