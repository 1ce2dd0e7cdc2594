// xcandle-harness gpu-bench [--markdown FILE]: the GEMV kernels' time (F32/F16/BF16, and Q8_0/Q4_0/Q4_K/Q6_K
// on quantized activations) on Qwen2.5-0.5B's matrix shapes, and decode attention's,
// against the card's measured device-to-device copy bandwidth (bytes read + written), median of timed
// launches after warm-up, on random weights rotated through more memory than the L2 holds.
// Exit 3 without a usable CUDA device.
#include <algorithm>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <utility>
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

// Decode attention at Qwen2.5-0.5B's shape (14 query heads over 2 kv heads of 64), 8 sequences of 8,192
// keys each, 16 splits: K and V bytes read per launch over the time. Eight groups of 8 sequences are
// rotated (256 MB of cache), so a launch's 34 MB is not served from the previous launch's L2.
std::string decode_attention_row(std::mt19937& rng, double copy_gbps) {
  constexpr int kHeads = 14, kKvHeads = 2, kHeadDim = 64, kKeys = 8192, kBatch = 8, kGroups = 8, kSplits = 16;
  const int64_t head_elements = static_cast<int64_t>(kKeys) * kHeadDim;
  const int64_t seq_elements = kKvHeads * head_elements;
  const size_t cache_bytes = static_cast<size_t>(kBatch * kGroups) * seq_elements * 2;
  xc::cuda::DeviceBuffer keys(cache_bytes), values(cache_bytes);
  keys.fill(0x3C);  // f16 1.0…-ish bit patterns, finite: the cost does not depend on the values
  values.fill(0x3C);
  std::vector<float> q_host(static_cast<size_t>(kBatch) * kHeads * kHeadDim);
  for (float& v : q_host) v = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
  xc::cuda::DeviceBuffer q(q_host.size() * sizeof(float)), out(q_host.size() * sizeof(float));
  q.upload(q_host.data(), q_host.size() * sizeof(float));
  std::vector<int32_t> slots_host(static_cast<size_t>(kBatch * kGroups)), last_host(static_cast<size_t>(kBatch), kKeys - 1);
  for (size_t i = 0; i < slots_host.size(); i++) slots_host[i] = static_cast<int32_t>(i);
  xc::cuda::DeviceBuffer slots(slots_host.size() * 4), last(last_host.size() * 4);
  slots.upload(slots_host.data(), slots_host.size() * 4);
  last.upload(last_host.data(), last_host.size() * 4);
  xc::cuda::DeviceBuffer workspace(
      xc::cuda::decode_attention_workspace(kBatch, kHeads, kKvHeads, kHeadDim, kSplits) * sizeof(float));
  xc::cuda::DecodeAttentionArgs a;
  a.q = q.as<float>();
  a.q_stride = kHeads * kHeadDim;
  a.cache = {keys.as<uint16_t>(), values.as<uint16_t>(), seq_elements, head_elements, kBatch * kGroups, kKeys};
  a.positions = last.as<int32_t>();
  a.tokens = kBatch;
  a.heads = kHeads;
  a.kv_heads = kKvHeads;
  a.head_dim = kHeadDim;
  a.scale = 0.125f;
  a.splits = kSplits;
  a.workspace = workspace.as<float>();
  a.out = out.as<float>();
  a.out_stride = kHeads * kHeadDim;
  const double ms = median_ms([&](int i) {
    a.slots = slots.as<int32_t>() + (i % kGroups) * kBatch;
    xc::cuda::cuda_kernels().decode_attention(a, nullptr);
  });
  const double bytes = 2.0 * kBatch * seq_elements * 2;
  const double gbps = bytes / (ms * 1e6);
  std::printf("  decode attention 8 × 8192 keys, 14/2 heads × 64, 16 splits %8.1f us  %6.0f GB/s  %3.0f%% of copy\n",
              ms * 1e3, gbps, 100 * gbps / copy_gbps);
  char row[256];
  std::snprintf(row, sizeof(row), "| decode attention | F16 KV | 8 sequences × 8192 keys, 14/2 heads × 64, 16 splits | "
                "%.1f µs | %.0f GB/s | %.0f%% |", ms * 1e3, gbps, 100 * gbps / copy_gbps);
  return row;
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
  const std::pair<const char*, xc::GgmlType> types[] = {
      {"F32", xc::GgmlType::F32},   {"F16", xc::GgmlType::F16},   {"BF16", xc::GgmlType::BF16}, {"Q8_0", xc::GgmlType::Q8_0},
      {"Q4_0", xc::GgmlType::Q4_0}, {"Q4_K", xc::GgmlType::Q4_K}, {"Q6_K", xc::GgmlType::Q6_K}};
  for (const auto& [dtype, type] : types) {
    const xc::cuda::CudaWeightTraits& traits = xc::cuda::cuda_kernels().traits(type);
    const bool quantized = traits.quant_gemv != nullptr;
    for (const Shape& shape : shapes) {
      if (traits.q8_k_activations && shape.n % 256 != 0) continue;  // K-quant rows are whole 256-blocks
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
      xc::cuda::DeviceBuffer xq(static_cast<size_t>(shape.n) / 256 * 292 + static_cast<size_t>(shape.n) / 32 * 36);
      x.upload(x_host.data(), x_host.size() * sizeof(float));
      // the quantized GEMV's activations are quantized once, outside the timed launches
      if (quantized) {
        const xc::cuda::CudaKernelTable& kernels = xc::cuda::cuda_kernels();
        (traits.q8_k_activations ? kernels.quantize_q8_k : kernels.quantize_q8_0)(x.as<float>(), xq.data(), shape.n, 1,
                                                                                 nullptr);
      }
      const double ms = median_ms([&](int i) {
        const uint8_t* rotated = w.as<uint8_t>() + static_cast<size_t>(i) % copies * weights.size();
        if (quantized) {
          traits.quant_gemv(rotated, shape.rows, shape.n, xq.data(), 1, nullptr, out.as<float>(), shape.rows, false, nullptr);
        } else {
          traits.gemv(rotated, shape.rows, shape.n, x.as<float>(), 1, nullptr, out.as<float>(), shape.rows, false, nullptr);
        }
      });
      const double gbps = static_cast<double>(weights.size()) / (ms * 1e6);
      std::printf("  gemv %-4s %-20s %8.1f us  %6.0f GB/s  %3.0f%% of copy\n", dtype, shape.name, ms * 1e3, gbps,
                  100 * gbps / copy_gbps);
      char row[256];
      std::snprintf(row, sizeof(row), "| gemv | %s | %s | %.1f µs | %.0f GB/s | %.0f%% |", dtype, shape.name, ms * 1e3,
                    gbps, 100 * gbps / copy_gbps);
      rows.push_back(row);
    }
  }
  rows.push_back(decode_attention_row(rng, copy_gbps));
  if (!markdown.empty()) {
    FILE* file = std::fopen(markdown.c_str(), "w");
    if (file == nullptr) xc::fail(XC_ERR_IO, "cannot write " + markdown);
    std::fprintf(file, "GEMV, one token, and decode attention on %s (median of %d launches after %d; weights and "
                 "caches rotated over more than the L2). Device-to-device copy: %.0f GB/s (read + write).\n\n",
                 facts.name.c_str(), kTimed, kWarmup, copy_gbps);
    std::fprintf(file, "| kernel | dtype | shape | time | bytes read / time | of copy bandwidth |\n"
                 "| --- | --- | --- | --- | --- | --- |\n");
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
