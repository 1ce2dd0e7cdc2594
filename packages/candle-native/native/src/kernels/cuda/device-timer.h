#pragma once

#include <cstddef>

namespace xc::cuda {

// Elapsed GPU time between two events on the default stream (cudaEventElapsedTime), for benchmarks.
class DeviceTimer {
 public:
  DeviceTimer();
  ~DeviceTimer();
  DeviceTimer(const DeviceTimer&) = delete;
  DeviceTimer& operator=(const DeviceTimer&) = delete;

  void start();
  // Waits for the stop event; milliseconds since start().
  float stop_ms();

 private:
  void* start_ = nullptr;  // cudaEvent_t
  void* stop_ = nullptr;
};

// Asynchronous device-to-device copy on the default stream.
void copy_on_device(void* dst, const void* src, size_t bytes);

}  // namespace xc::cuda
