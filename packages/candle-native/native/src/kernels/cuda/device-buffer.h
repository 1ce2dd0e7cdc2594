#pragma once

#include <cstddef>
#include <cstdint>

namespace xc::cuda {

// One cudaMalloc'd allocation (never managed memory), freed on destruction. Failures are typed:
// XC_ERR_OUT_OF_MEMORY when the GPU has no room, XC_ERR_INTERNAL otherwise.
class DeviceBuffer {
 public:
  explicit DeviceBuffer(size_t bytes);
  ~DeviceBuffer();
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;

  void* data() const { return data_; }
  size_t bytes() const { return bytes_; }
  template <typename T>
  T* as() const {
    return static_cast<T*>(data_);
  }
  // Blocking copies of the first `bytes` (at most bytes()).
  void upload(const void* host, size_t bytes);
  void download(void* host, size_t bytes) const;
  // Sets every byte, e.g. 0xFF to poison an output (NaN floats) before a kernel writes it.
  void fill(uint8_t byte);

 private:
  void* data_ = nullptr;
  size_t bytes_ = 0;
};

// Waits for every launch so far and reports the first asynchronous error.
void synchronize();

}  // namespace xc::cuda
