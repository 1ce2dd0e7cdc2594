// xcandle-harness attention-bench: one decode step's attention of the SmolLM2-135M shape (30 layers,
// 3 kv heads of 3 query heads each, head dim 64, f16 KV in 64-token pages holding every layer) at a
// given context, on one thread, in this process's CPU time. Before each step a buffer larger than
// the caches is read, as the weights are between two real steps, so the K/V comes from memory
// (--warm 1: not; what is left in cache from the step before).
// With --tokens N: instead, N new tokens of one sequence after `keys` cached ones (a forked
// prompt's suffix), in the forward's runs of up to 64 (--run) consecutive tokens through attention_tokens, with
// --group query heads per kv head (3 by default; the optimiser benchmark's model has 2; decode steps
// take it too).
#include <algorithm>
#include <cstring>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "cpu-seconds.h"
#include "common/fp16.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kernel-table.h"

namespace xch {

namespace {

constexpr int kLayers = 30, kKvHeads = 3, kGroup = 3, kPageTokens = 64;
int kHeadDim = 64;  // --head-dim 128: the shape of models with 128-wide heads

int64_t offset(int layer, int kind, int head) {
  return ((static_cast<int64_t>(layer) * 2 + kind) * kKvHeads + head) * kPageTokens * kHeadDim * 2;
}

// The forward's longest run (kQueryRun in llama-forward.cc; --run).
constexpr int kMaxRun = 64;
int kRun = 64;

int run_suffix_bench(const std::vector<int>& contexts, int tokens, int group, int steps, const std::string& kernels_name) {
  const xc::KernelTable& kernels = xc::kernels_named(kernels_name.c_str());
  std::mt19937 engine(3);
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  const int64_t q_dim = kKvHeads * group * kHeadDim;
  std::vector<float> q(static_cast<size_t>(tokens * q_dim)), out(q.size());
  for (float& v : q) v = spread(engine);
  float sink = 0;
  std::printf("attention of %d new tokens after a cached prefix (runs of %d), %s kernels, 1 thread, CPU time; "
              "%d query heads per kv head, min / median of %d passes over %d layers\n", tokens, kRun, kernels.name, group, steps,
              kLayers);
  for (int keys : contexts) {
    const int pages = (keys + tokens + kPageTokens - 1) / kPageTokens;
    const int64_t page_bytes = offset(kLayers, 0, 0);
    std::vector<std::vector<uint8_t>> storage(static_cast<size_t>(pages));
    std::vector<const uint8_t*> pointers;
    for (auto& page : storage) {
      page.resize(static_cast<size_t>(page_bytes));
      auto* halves = reinterpret_cast<uint16_t*>(page.data());
      for (int64_t i = 0; i < page_bytes / 2; i++) halves[i] = xc::f32_to_fp16(spread(engine));
      pointers.push_back(page.data());
    }
    std::vector<double> times;
    for (int step = 0; step < steps; step++) {
      const double start = cpu_seconds();
      for (int layer = 0; layer < kLayers; layer++) {
        for (int begin = 0; begin < tokens; begin += kRun) {
          const int count = std::min(kRun, tokens - begin);
          int first[kMaxRun], last[kMaxRun];
          for (int i = 0; i < count; i++) first[i] = 0, last[i] = keys + begin + i;
          for (int head = 0; head < kKvHeads; head++) {
            const xc::cpu::KvHeadView view{pointers.data(), kPageTokens, offset(layer, 0, head), offset(layer, 1, head),
                                           kHeadDim, true};
            const int64_t at = begin * q_dim + head * group * kHeadDim;
            xc::cpu::attention_tokens(kernels, view, q.data() + at, q_dim, count, group, first, last, 0.125f, 0.0f,
                                      out.data() + at, q_dim);
          }
        }
      }
      times.push_back(cpu_seconds() - start);
      sink += out[0];
    }
    std::sort(times.begin(), times.end());
    const double macs = 2.0 * kLayers * kKvHeads * group * kHeadDim * (static_cast<double>(keys) * tokens + tokens * (tokens + 1) / 2.0);
    std::printf("keys %5d tokens %d: min %.3f ms, median %.3f ms, %.1f GMAC/s at the min\n", keys, tokens,
                1e3 * times.front(), 1e3 * times[times.size() / 2], macs / times.front() / 1e9);
  }
  return sink == 12345.0f ? 1 : 0;
}

// --rows R: one decode step of R sequences forked from one cached prefix, as a decode batch of the
// optimiser benchmark: every row's page table points at the same pages but for its own copy of the
// last one; each kv head's rows one at a time through attention_tokens (as before batches shared
// blocks) and all together through attention_decode_rows, alternately, and the outputs compared.
int run_rows_bench(const std::vector<int>& contexts, int rows, int group, int steps, bool warm, const std::string& kernels_name) {
  const xc::KernelTable& kernels = xc::kernels_named(kernels_name.c_str());
  std::mt19937 engine(3);
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  std::vector<float> evict(64 << 20 >> 2, 1.0f);
  float sink = 0;
  const int64_t q_dim = kKvHeads * group * kHeadDim;
  std::vector<float> q(static_cast<size_t>(rows * q_dim)), alone(q.size()), together(q.size());
  for (float& v : q) v = spread(engine);
  std::printf("attention of one decode step of %d rows sharing their pages but the last, %s kernels, 1 thread, CPU time, "
              "K/V %s; %d query heads per kv head, head dim %d, min / median of %d steps\n", rows, kernels.name,
              warm ? "left in cache" : "evicted first", group, kHeadDim, steps);
  for (int keys : contexts) {
    const int pages = (keys + kPageTokens - 1) / kPageTokens;
    const int64_t page_bytes = offset(kLayers, 0, 0);
    std::vector<std::vector<uint8_t>> storage(static_cast<size_t>(pages - 1 + rows));
    for (auto& page : storage) {
      page.resize(static_cast<size_t>(page_bytes));
      auto* halves = reinterpret_cast<uint16_t*>(page.data());
      for (int64_t i = 0; i < page_bytes / 2; i++) halves[i] = xc::f32_to_fp16(spread(engine));
    }
    std::vector<std::vector<const uint8_t*>> tables(static_cast<size_t>(rows));
    for (int r = 0; r < rows; r++) {
      for (int p = 0; p + 1 < pages; p++) tables[static_cast<size_t>(r)].push_back(storage[static_cast<size_t>(p)].data());
      tables[static_cast<size_t>(r)].push_back(storage[static_cast<size_t>(pages - 1 + r)].data());
    }
    std::vector<xc::cpu::DecodeRow> batch(static_cast<size_t>(rows));
    auto step_of = [&](bool shared, std::vector<float>& out) {
      for (size_t i = 0; !warm && i < evict.size(); i += 16) sink += evict[i];
      const double start = cpu_seconds();
      for (int layer = 0; layer < kLayers; layer++) {
        for (int head = 0; head < kKvHeads; head++) {
          for (int r = 0; r < rows; r++) {
            const int64_t at = r * q_dim + head * group * kHeadDim;
            batch[static_cast<size_t>(r)] = {{tables[static_cast<size_t>(r)].data(), kPageTokens, offset(layer, 0, head),
                                              offset(layer, 1, head), kHeadDim, true},
                                             q.data() + at, out.data() + at, 0, keys - 1};
            if (!shared) {
              const xc::cpu::DecodeRow& row = batch[static_cast<size_t>(r)];
              xc::cpu::attention_tokens(kernels, row.kv, row.q, q_dim, 1, group, &row.first, &row.last, 0.125f, 0.0f,
                                        row.out, q_dim);
            }
          }
          if (shared) xc::cpu::attention_decode_rows(kernels, batch.data(), rows, group, 0.125f, 0.0f);
        }
      }
      return cpu_seconds() - start;
    };
    std::vector<double> old_times, new_times;
    for (int step = 0; step < steps; step++) {
      old_times.push_back(step_of(false, alone));
      new_times.push_back(step_of(true, together));
    }
    const bool same = std::memcmp(alone.data(), together.data(), sizeof(float) * alone.size()) == 0;
    std::sort(old_times.begin(), old_times.end());
    std::sort(new_times.begin(), new_times.end());
    std::printf("keys %5d: one row at a time min %.3f ms, median %.3f ms; rows together min %.3f ms, median %.3f ms; "
                "outputs %s\n", keys, 1e3 * old_times.front(), 1e3 * old_times[old_times.size() / 2], 1e3 * new_times.front(),
                1e3 * new_times[new_times.size() / 2], same ? "the same bits" : "DIFFER");
    if (!same) return 1;
  }
  return sink == 12345.0f ? 1 : 0;
}

}  // namespace

int run_attention_bench(int argc, char** argv) {
  std::vector<int> contexts{512, 2048};
  std::vector<int> slice_counts{1, 3};
  std::string kernels_name;
  int steps = 30;
  int new_tokens = 0;
  int group = kGroup;
  bool warm = false;
  int rows = 0;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    auto list = [&](std::vector<int>& out) {
      out.clear();
      for (size_t at = 0; at < value.size();) {
        const size_t comma = value.find(',', at);
        out.push_back(std::stoi(value.substr(at, comma - at)));
        at = comma == std::string::npos ? value.size() : comma + 1;
      }
    };
    if (arg == "--keys") list(contexts);
    else if (arg == "--slices") list(slice_counts);
    else if (arg == "--steps") steps = std::stoi(value);
    else if (arg == "--kernels") kernels_name = value;
    else if (arg == "--tokens") new_tokens = std::stoi(value);
    else if (arg == "--group") group = std::stoi(value);
    else if (arg == "--head-dim") kHeadDim = std::stoi(value) == 128 ? 128 : 64;
    else if (arg == "--run") kRun = std::clamp(std::stoi(value), 1, kMaxRun);
    else if (arg == "--warm") warm = value == "1";
    else if (arg == "--rows") rows = std::stoi(value);
  }
  if (rows > 0) return run_rows_bench(contexts, rows, group, steps, warm, kernels_name);
  if (new_tokens > 0) return run_suffix_bench(contexts, new_tokens, group, steps, kernels_name);
  const xc::KernelTable& kernels = xc::kernels_named(kernels_name.c_str());
  std::mt19937 engine(3);
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  std::vector<float> evict(64 << 20 >> 2, 1.0f);
  float sink = 0;
  std::vector<float> q(group * kHeadDim), out(group * kHeadDim);
  for (float& v : q) v = spread(engine);
  const int64_t slice_floats = group * kHeadDim + 2 * group;
  std::printf("attention of one decode step, %s kernels, 1 thread, CPU time, K/V %s; %d query heads per kv head, "
              "min / median of %d steps\n", kernels.name, warm ? "left in cache" : "evicted first", group, steps);
  for (int keys : contexts) {
    const int pages = (keys + kPageTokens - 1) / kPageTokens;
    const int64_t page_bytes = offset(kLayers, 0, 0);
    std::vector<std::vector<uint8_t>> storage(static_cast<size_t>(pages));
    std::vector<const uint8_t*> pointers;
    for (auto& page : storage) {
      page.resize(static_cast<size_t>(page_bytes));
      auto* halves = reinterpret_cast<uint16_t*>(page.data());
      for (int64_t i = 0; i < page_bytes / 2; i++) halves[i] = xc::f32_to_fp16(spread(engine));
      pointers.push_back(page.data());
    }
    for (int slices : slice_counts) {
      std::vector<float> parts(static_cast<size_t>(slices * slice_floats));
      std::vector<double> times;
      for (int step = 0; step < steps; step++) {
        for (size_t i = 0; !warm && i < evict.size(); i += 16) sink += evict[i];
        const double start = cpu_seconds();
        for (int layer = 0; layer < kLayers; layer++) {
          for (int head = 0; head < kKvHeads; head++) {
            const xc::cpu::KvHeadView view{pointers.data(), kPageTokens, offset(layer, 0, head), offset(layer, 1, head),
                                           kHeadDim, true};
            if (slices == 1) {
              xc::cpu::attention_heads(kernels, view, q.data(), group, 0, keys - 1, 0.125f, 0.0f, out.data());
              continue;
            }
            for (int s = 0; s < slices; s++) {
              float* part = parts.data() + s * slice_floats;
              xc::cpu::attention_slice(kernels, view, q.data(), group, keys * s / slices, keys * (s + 1) / slices - 1,
                                       0.125f, 0.0f, part, part + group * kHeadDim);
            }
            xc::cpu::attention_combine(group, kHeadDim, slices, parts.data(), slice_floats, out.data());
          }
        }
        times.push_back(cpu_seconds() - start);
        sink += out[0];
      }
      std::sort(times.begin(), times.end());
      const double kv_bytes = 2.0 * kLayers * kKvHeads * keys * kHeadDim * 2;
      std::printf("keys %5d slices %d: min %.3f ms, median %.3f ms, K/V read %.1f GB/s at the min\n", keys, slices,
                  1e3 * times.front(), 1e3 * times[times.size() / 2], kv_bytes / times.front() / 1e9);
    }
  }
  return sink == 12345.0f ? 1 : 0;
}

}  // namespace xch
