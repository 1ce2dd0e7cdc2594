// xcandle-harness gpu-bench [--markdown FILE]: the float GEMV's time on Qwen2.5-0.5B's matrix shapes
// against the card's measured device-to-device copy bandwidth (bytes read + written), median of timed
// launches after warm-up, on random weights rotated through more memory than the L2 holds.
// Exit 3 without a usable CUDA device.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "common/error.h"
#include "gpu-twins.h"
#if XC_HAS_CUDA
#include "kernels/cuda/cuda-kernel-table.h"
#include "kernels/cuda/cuda-probe.h"
#include "kernels/cuda/device-buffer.h"
#include "kernels/cuda/device-timer.h"
#endif

namespace xch {

#if XC_HAS_CUDA

namespace {

constexpr int kWarmup = 5;
constexpr int kTimed = 50;
constexpr size_t kRotationBytes = size_t{512} << 20;  // ≫ the 50–60 MB L2 of an H100/H200

template <typename Launch>
double median_ms(Launch&& launch) {
  xc::cuda::DeviceTimer timer;
  for (int i = 0; i < kWarmup; i++) launch(i);
  std::vector<double> times;
  for (int i = 0; i < kTimed; i++) {
    timer.start();
    launch(kWarmup + i);
    times.push_back(timer.stop_ms());
  }
  std::sort(times.begin(), times.end());
  return times[times.size() / 2];
}

}  // namespace

int run_gpu_bench(int argc, char** argv) {
  std::string markdown;
  for (int i = 2; i < argc; i++) {
    if (std::strcmp(argv[i], "--markdown") == 0 && i + 1 < argc) markdown = argv[++i];
    else return 2;
  }
  xc::cuda::CudaDeviceFacts facts;
  try {
    facts = xc::cuda::probe_cuda_device(0);
  } catch (const xc::Error& error) {
    std::printf("%s\n", error.what());
    return 3;
  }
  std::vector<std::string> rows;
  const size_t copy_bytes = size_t{1} << 30;
  xc::cuda::DeviceBuffer from(copy_bytes), to(copy_bytes);
  from.fill(0x5A);
  const double copy_ms = median_ms([&](int) { xc::cuda::copy_on_device(to.data(), from.data(), copy_bytes); });
  const double copy_gbps = 2.0 * copy_bytes / (copy_ms * 1e6);
  std::printf("%s: device-to-device copy %.0f GB/s (read + write)\n", facts.name.c_str(), copy_gbps);

  struct Shape {
    const char* name;
    int rows, n;
  };
  const Shape shapes[] = {{"q/o 896×896", 896, 896},        {"gate/up 4864×896", 4864, 896},
                          {"down 896×4864", 896, 4864},     {"LM head 151936×896", 151936, 896}};
  std::mt19937 rng(std::random_device{}());
  for (const char* dtype : {"F32", "F16", "BF16"}) {
    const xc::GgmlType type = std::string(dtype) == "F32" ? xc::GgmlType::F32
                              : std::string(dtype) == "F16" ? xc::GgmlType::F16
                                                            : xc::GgmlType::BF16;
    for (const Shape& shape : shapes) {
      const std::vector<uint8_t> weights = random_weights(rng, type, shape.rows, shape.n);
      const size_t copies = std::max<size_t>(1, kRotationBytes / weights.size());
      xc::cuda::DeviceBuffer w(weights.size() * copies);
      for (size_t c = 0; c < copies; c++) {
        xc::cuda::DeviceBuffer staging(weights.size());
        staging.upload(weights.data(), weights.size());
        xc::cuda::copy_on_device(w.as<uint8_t>() + c * weights.size(), staging.data(), weights.size());
      }
      std::vector<float> x_host(static_cast<size_t>(shape.n));
      for (float& v : x_host) v = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
      xc::cuda::DeviceBuffer x(x_host.size() * sizeof(float)), out(static_cast<size_t>(shape.rows) * sizeof(float));
      x.upload(x_host.data(), x_host.size() * sizeof(float));
      const xc::cuda::GemvFn gemv = xc::cuda::cuda_kernels().traits(type).gemv;
      const double ms = median_ms([&](int i) {
        gemv(w.as<uint8_t>() + static_cast<size_t>(i) % copies * weights.size(), shape.rows, shape.n, x.as<float>(), 1,
             nullptr, out.as<float>(), shape.rows, false, nullptr);
      });
      const double gbps = static_cast<double>(weights.size()) / (ms * 1e6);
      std::printf("  gemv %-4s %-20s %8.1f us  %6.0f GB/s  %3.0f%% of copy\n", dtype, shape.name, ms * 1e3, gbps,
                  100 * gbps / copy_gbps);
      char row[256];
      std::snprintf(row, sizeof(row), "| %s | %s | %.1f µs | %.0f GB/s | %.0f%% |", dtype, shape.name, ms * 1e3, gbps,
                    100 * gbps / copy_gbps);
      rows.push_back(row);
    }
  }
  if (!markdown.empty()) {
    FILE* file = std::fopen(markdown.c_str(), "w");
    if (file == nullptr) xc::fail(XC_ERR_IO, "cannot write " + markdown);
    std::fprintf(file, "Float GEMV, one token, on %s (median of %d launches after %d; weights rotated over %zu MB). "
                 "Device-to-device copy: %.0f GB/s (read + write).\n\n", facts.name.c_str(), kTimed, kWarmup,
                 kRotationBytes >> 20, copy_gbps);
    std::fprintf(file, "| dtype | matrix | time | weight bytes / time | of copy bandwidth |\n| --- | --- | --- | --- | --- |\n");
    for (const std::string& row : rows) std::fprintf(file, "%s\n", row.c_str());
    std::fclose(file);
  }
  return 0;
}

#else

int run_gpu_bench(int, char**) {
  std::printf("built without CUDA\n");
  return 3;
}

#endif

}  // namespace xch
