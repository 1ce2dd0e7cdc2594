// xcandle-harness matmul-bench: the weight matmuls of one model shape's layers (no attention, no
// LM head) through xc::matmul on synthetic interleaved weights, timed in this process's CPU time so
// a busy machine's other load does not count. With --threads 1 the numbers are one core's. The layers
// live in a weight arena's huge pages, as a model load's copies do (--pages 4k: in the heap instead).
#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "cpu-seconds.h"
#include "gguf-writer.h"
#include "kernels/cpu/interleave-rows16.h"
#include "kernels/cpu/interleave.h"
#include "kernels/cpu/kernel-table.h"
#include "kernels/cpu/matmul.h"
#include "models/weight-arena.h"

namespace xch {

namespace {

struct Shape {
  int64_t dim, ff, kv;  // kv: rows of k and of v
};

// One layer's matrices: fused qkv, o, fused gate+up (dim wide) and down (ff wide).
struct Layer {
  std::vector<uint8_t> qkv, o, gate_up, down;
};

std::vector<uint8_t> random_matrix(xc::GgmlType type, int64_t rows, int64_t cols, std::mt19937& engine, xc::WeightLayout layout) {
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  std::vector<float> values(static_cast<size_t>(rows * cols));
  for (float& v : values) v = spread(engine);
  std::vector<uint8_t> ggml = encode_tensor(type, values, cols);
  if (layout == xc::WeightLayout::Ggml) return ggml;
  std::vector<uint8_t> relaid(ggml.size());
  if (layout == xc::WeightLayout::Rows16) xc::interleave_rows16(type, ggml.data(), relaid.data(), rows, cols);
  else xc::interleave_rows(type, ggml.data(), relaid.data(), rows, cols);
  return relaid;
}

}  // namespace

int run_matmul_bench(int argc, char** argv) {
  std::string shape_name = "smollm2", type_name = "Q8_0", kernels_name, layout_name;
  int threads = 1, layers = 30;
  bool huge_pages = true;
  std::string only;  // --only qkv|o|gate_up|down: time that matrix alone (MACs counted for it alone)
  double min_seconds = 0.5;
  std::vector<int64_t> token_counts = {1, 2, 4, 8, 16, 512};
  for (int i = 2; i < argc; i++) {
    const std::string arg = argv[i];
    const std::string value = i + 1 < argc ? argv[i + 1] : "";
    if (arg == "--shape") shape_name = value, i++;
    else if (arg == "--type") type_name = value, i++;
    else if (arg == "--threads") threads = std::stoi(value), i++;
    else if (arg == "--layers") layers = std::stoi(value), i++;
    else if (arg == "--seconds") min_seconds = std::stod(value), i++;
    else if (arg == "--kernels") kernels_name = value, i++;
    else if (arg == "--layout") layout_name = value, i++;
    else if (arg == "--pages") huge_pages = value != "4k", i++;
    else if (arg == "--only") only = value, i++;
    else if (arg == "--tokens") {
      token_counts.clear();
      size_t start = 0;
      while (start < value.size()) {
        const size_t comma = value.find(',', start);
        token_counts.push_back(std::stoll(value.substr(start, comma - start)));
        start = comma == std::string::npos ? value.size() : comma + 1;
      }
      i++;
    } else {
      std::fprintf(stderr, "usage: xcandle-harness matmul-bench [--shape smollm2|qwen05|tinyllama] [--type Q8_0|Q4_0|Q5_0|Q4_K|Q6_K|F16|BF16] "
                           "[--threads N] [--layers N] [--tokens 1,8,512] [--seconds S] [--kernels scalar|avx2|avx512] "
                           "[--layout ggml|x8|rows16 (default: what a model load picks)] [--pages huge|4k]\n");
      return 2;
    }
  }
  Shape shape{576, 1536, 192};
  if (shape_name == "qwen05") shape = {896, 4864, 128};
  else if (shape_name == "tinyllama") shape = {2048, 5632, 256};
  else if (shape_name != "smollm2") return 2;
  xc::GgmlType type = xc::GgmlType::Q8_0;
  if (type_name == "Q4_0") type = xc::GgmlType::Q4_0;
  else if (type_name == "Q5_0") type = xc::GgmlType::Q5_0;
  else if (type_name == "Q4_K") type = xc::GgmlType::Q4_K;
  else if (type_name == "Q6_K") type = xc::GgmlType::Q6_K;
  else if (type_name == "F16") type = xc::GgmlType::F16;
  else if (type_name == "BF16") type = xc::GgmlType::BF16;
  else if (type_name != "Q8_0") return 2;

  const xc::KernelTable& kernels = xc::kernels_named(kernels_name.c_str());
  const xc::WeightTraits& traits = kernels.traits(type);
  xc::WeightLayout layout = !traits.relay ? xc::WeightLayout::Ggml
                            : traits.prefer_rows16 ? xc::WeightLayout::Rows16 : xc::WeightLayout::Interleaved;
  if (layout_name == "ggml") layout = xc::WeightLayout::Ggml;
  else if (layout_name == "x8") layout = xc::WeightLayout::Interleaved;
  else if (layout_name == "rows16") layout = xc::WeightLayout::Rows16;
  else if (!layout_name.empty()) return 2;
  if (traits.in(layout).dot == nullptr && traits.in(layout).rows == nullptr) {
    std::fprintf(stderr, "matmul-bench: the %s table has no kernel for %s in that layout\n", kernels.name, type_name.c_str());
    return 2;
  }
  const char* layout_label = layout == xc::WeightLayout::Rows16 ? "rows16" : layout == xc::WeightLayout::Interleaved ? "x8" : "ggml";
  std::mt19937 engine(7);
  // One layer's bytes, copied into every layer so the set outgrows the caches as a model's does.
  Layer first{random_matrix(type, shape.dim + 2 * shape.kv, shape.dim, engine, layout),
              random_matrix(type, shape.dim, shape.dim, engine, layout),
              random_matrix(type, 2 * shape.ff, shape.dim, engine, layout),
              random_matrix(type, shape.dim, shape.ff, engine, layout)};
  std::vector<Layer> all(static_cast<size_t>(huge_pages ? 0 : layers), first);
  const size_t layer_bytes = first.qkv.size() + first.o.size() + first.gate_up.size() + first.down.size();
  xc::WeightArena arena(huge_pages ? static_cast<size_t>(layers) * (layer_bytes + 4 * 64) : 0);
  struct Placed {
    const uint8_t *qkv, *o, *gate_up, *down;
  };
  std::vector<Placed> placed;
  const auto place = [&](const std::vector<uint8_t>& bytes) {
    uint8_t* at = arena.allocate(bytes.size());
    std::copy(bytes.begin(), bytes.end(), at);
    return static_cast<const uint8_t*>(at);
  };
  for (int l = 0; l < layers; l++) {
    if (huge_pages) placed.push_back({place(first.qkv), place(first.o), place(first.gate_up), place(first.down)});
    else placed.push_back({all[l].qkv.data(), all[l].o.data(), all[l].gate_up.data(), all[l].down.data()});
  }
  auto matrix = [&](const uint8_t* data, const std::vector<uint8_t>& like, int64_t rows, int64_t cols) {
    return xc::WeightMatrix{type, rows, cols, data, static_cast<int64_t>(like.size()) / rows, layout};
  };
  const double macs_per_token =
      static_cast<double>(layers) * static_cast<double>(only == "qkv"     ? (shape.dim + 2 * shape.kv) * shape.dim
                                                        : only == "o"       ? shape.dim * shape.dim
                                                        : only == "gate_up" ? 2 * shape.ff * shape.dim
                                                        : only == "down"    ? shape.dim * shape.ff
                                                        : (shape.dim + 2 * shape.kv + shape.dim + 2 * shape.ff) * shape.dim + shape.dim * shape.ff);
  std::printf("matmul-bench %s %s, %d layers (%.1f MiB of weights), kernels=%s, layout %s, %s pages, threads %d, CPU time\n", shape_name.c_str(),
              type_name.c_str(), layers, static_cast<double>(layers) * static_cast<double>(first.qkv.size() + first.o.size() + first.gate_up.size() + first.down.size()) / (1 << 20),
              kernels.name, layout_label, huge_pages ? "huge" : "4 KiB", threads);

  xc::ThreadPool pool(threads);
  std::vector<uint8_t> scratch;
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  double one_token_seconds = 0;
  for (int64_t tokens : token_counts) {
    std::vector<float> x(static_cast<size_t>(tokens * std::max(shape.dim, shape.ff)));
    for (float& v : x) v = spread(engine);
    std::vector<float> out(static_cast<size_t>(tokens * std::max(shape.dim + 2 * shape.kv, 2 * shape.ff)));
    auto pass = [&] {
      for (const Placed& layer : placed) {
        const xc::WeightMatrix qkv = matrix(layer.qkv, first.qkv, shape.dim + 2 * shape.kv, shape.dim);
        const xc::WeightMatrix o = matrix(layer.o, first.o, shape.dim, shape.dim);
        const xc::WeightMatrix gate_up = matrix(layer.gate_up, first.gate_up, 2 * shape.ff, shape.dim);
        const xc::WeightMatrix down = matrix(layer.down, first.down, shape.dim, shape.ff);
        const xc::MatmulTarget t_qkv{&qkv, out.data(), qkv.rows, nullptr};
        const xc::MatmulTarget t_o{&o, out.data(), o.rows, nullptr};
        const xc::MatmulTarget t_gate_up{&gate_up, out.data(), gate_up.rows, nullptr};
        const xc::MatmulTarget t_down{&down, out.data(), down.rows, nullptr};
        if (only.empty() || only == "qkv") xc::matmul(pool, kernels, x.data(), tokens, &t_qkv, 1, scratch);
        if (only.empty() || only == "o") xc::matmul(pool, kernels, x.data(), tokens, &t_o, 1, scratch);
        if (only.empty() || only == "gate_up") xc::matmul(pool, kernels, x.data(), tokens, &t_gate_up, 1, scratch);
        if (only.empty() || only == "down") xc::matmul(pool, kernels, x.data(), tokens, &t_down, 1, scratch);
      }
    };
    pass();  // warm up
    int passes = 0;
    const double start = cpu_seconds();
    double spent = 0;
    while (spent < min_seconds) {
      pass();
      passes++;
      spent = cpu_seconds() - start;
    }
    const double per_pass = spent / passes;
    if (tokens == 1) one_token_seconds = per_pass;
    const double gmacs = macs_per_token * static_cast<double>(tokens) / per_pass / 1e9;
    std::printf("tokens %4lld: %8.3f ms CPU per pass of %d layers, %6.1f GMAC/s per CPU-second", static_cast<long long>(tokens),
                1000 * per_pass, layers, gmacs);
    if (one_token_seconds > 0 && tokens > 1) std::printf(", %.2f× one token", per_pass / one_token_seconds);
    std::printf("\n");
  }
  return 0;
}

}  // namespace xch
