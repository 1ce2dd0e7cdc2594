// The Rows16 layouts (interleave-rows16.h): the re-lay and its inverse, the scalar tile and every SIMD
// table's tile against the scalar ggml row dots (ragged token and row-group counts, integer extremes),
// xc::matmul and single-row lookups over Rows16 matrices, and the typed errors for shapes it cannot take.
#include <algorithm>
#include <functional>
#include <cmath>
#include <limits>
#include <random>

#include "check.h"
#include "common/error.h"
#include "gguf-writer.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-rows16.h"
#include "kernels/cpu/kernel-table.h"
#include "kernels/cpu/matmul.h"
#include "models/model-config.h"
#include "models/model-weights.h"
#include "rows16-kernel-checks.h"

namespace xch {

using xc::GgmlType;

namespace {

struct Rows16Case {
  GgmlType type = GgmlType::Q8_0;
  int64_t rows = 0, cols = 0, tokens = 0, row_bytes = 0;
  std::vector<uint8_t> ggml, rows16;
  std::vector<uint8_t> act, act16;  // tokens activation rows: ggml Q8_0 and ActQ8_0Sum
  size_t act_bytes = 0, act16_bytes = 0;
};

Rows16Case make_case(GgmlType type, int64_t rows, int64_t cols, int64_t tokens, const std::vector<float>& w,
                     const std::vector<float>& x) {
  const xc::KernelTable& scalar = xc::scalar_kernels();
  Rows16Case c;
  c.type = type, c.rows = rows, c.cols = cols, c.tokens = tokens;
  c.ggml = encode_tensor(type, w, cols);
  c.row_bytes = static_cast<int64_t>(c.ggml.size()) / rows;
  c.rows16.resize(c.ggml.size());
  xc::interleave_rows16(type, c.ggml.data(), c.rows16.data(), rows, cols);
  const xc::ActivationFormat format16 = xc::activation_format(type, xc::WeightLayout::Rows16);
  c.act_bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8_0, cols);
  c.act16_bytes = xc::activation_row_bytes(format16, cols);
  c.act.resize(tokens * c.act_bytes);
  c.act16.resize(tokens * c.act16_bytes);
  for (int64_t t = 0; t < tokens; t++) {
    xc::quantize_activations(scalar, xc::ActivationFormat::Q8_0, x.data() + t * cols, c.act.data() + t * c.act_bytes, cols);
    xc::quantize_activations(scalar, format16, x.data() + t * cols, c.act16.data() + t * c.act16_bytes, cols);
  }
  return c;
}

void check_tiles(Checker& check, GgmlType type, const std::string& label, int64_t rows, int64_t cols, int64_t tokens,
                 const std::vector<float>& w, const std::vector<float>& x, double tolerance) {
  const Rows16Case c = make_case(type, rows, cols, tokens, w, x);
  check_rows16_kernels(check, {type, rows, cols, tokens, c.row_bytes, c.ggml, c.rows16, c.act.data(), c.act_bytes, c.act16.data(), c.act16_bytes},
                       label, tolerance);
}

// xc::matmul over a Rows16 matrix (1, 2 and 3 threads, 1..17 tokens, a bias) and single-row lookups. Rows:
// 80 (five groups: two pairs and a single), or SmolLM2's 576 and 960 (decode bands of whole quads of
// groups and the leftover groups in one band per thread).
void check_matmul(Checker& check, const xc::KernelTable& table, GgmlType type, int64_t rows, int64_t cols, std::mt19937& engine) {
  constexpr int64_t kMaxTokens = 17;
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  std::vector<float> w(static_cast<size_t>(rows * cols)), x(static_cast<size_t>(kMaxTokens * cols)), bias(rows);
  for (float& v : w) v = spread(engine);
  for (float& v : x) v = spread(engine);
  for (float& v : bias) v = spread(engine);
  const Rows16Case c = make_case(type, rows, cols, kMaxTokens, w, x);
  std::vector<int64_t> counts;
  for (int64_t tokens = 1; tokens <= kMaxTokens; tokens++) counts.push_back(tokens);
  check_rows16_matmul(check, table,
                      {type, rows, cols, kMaxTokens, c.row_bytes, c.ggml, c.rows16, c.act.data(), c.act_bytes, c.act16.data(), c.act16_bytes},
                      x, bias, counts, "1.." + std::to_string(kMaxTokens));
}

// A table's one-pass ActQ8_0Sum quantizer against its Q8_0 quantizer plus the byte sums (the generic path),
// byte for byte: random rows, a zero block, blocks at ±amax, tiny and huge values, ties at .5 steps.
void check_quantize_sum(Checker& check, const xc::KernelTable& table, std::mt19937& engine) {
  if (table.quantize_q8_0_sum == nullptr) return;
  xc::KernelTable generic = table;
  generic.quantize_q8_0_sum = nullptr;
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  bool same = true;
  for (int64_t cols : {32, 576, 4864}) {
    std::vector<float> x(static_cast<size_t>(cols));
    for (float& v : x) v = spread(engine);
    for (int j = 0; j < 32; j++) x[static_cast<size_t>(j)] = 0.0f;  // a zero block
    if (cols > 32) {
      for (int j = 0; j < 32; j++) x[static_cast<size_t>(32 + j)] = j % 2 == 0 ? 3.5f : -3.5f;
      for (int j = 0; j < 32; j++) x[static_cast<size_t>(64 + j)] = static_cast<float>(j - 16) / 16.0f * 127.0f / 127.5f;
      for (int j = 0; j < 32; j++) x[static_cast<size_t>(96 + j)] = spread(engine) * 1e-30f;
      for (int j = 0; j < 32; j++) x[static_cast<size_t>(128 + j)] = spread(engine) * 1e30f;
    }
    const size_t bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8_0Sum, cols);
    std::vector<uint8_t> fused(bytes), reference(bytes);
    xc::quantize_activations(table, xc::ActivationFormat::Q8_0Sum, x.data(), fused.data(), cols);
    xc::quantize_activations(generic, xc::ActivationFormat::Q8_0Sum, x.data(), reference.data(), cols);
    same = same && fused == reference;
  }
  check.expect(same, std::string(table.name) + " Rows16: the one-pass ActQ8_0Sum quantizer gives the generic path's bytes");

  // A row against the same quantizer one block per call (groups of 16 blocks against single blocks):
  // a group with ±inf, an all-zero group, and a NaN in the third (that group and the rest one at a time).
  constexpr int64_t kBlocks = 48;
  std::vector<float> x(static_cast<size_t>(kBlocks * 32));
  for (float& v : x) v = spread(engine);
  x[3 * 32 + 5] = std::numeric_limits<float>::infinity();
  x[12 * 32 + 1] = -std::numeric_limits<float>::infinity();
  std::fill(x.begin() + 16 * 32, x.begin() + 32 * 32, 0.0f);
  x[40 * 32 + 7] = std::numeric_limits<float>::quiet_NaN();
  const size_t block_bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8_0Sum, 32);
  std::vector<uint8_t> row(block_bytes * kBlocks), blocks(block_bytes * kBlocks);
  table.quantize_q8_0_sum(x.data(), row.data(), kBlocks * 32);
  for (int64_t b = 0; b < kBlocks; b++) table.quantize_q8_0_sum(x.data() + b * 32, blocks.data() + b * block_bytes, 32);
  check.expect(row == blocks, std::string(table.name) + " Rows16: ActQ8_0Sum of a row = of its blocks one at a time (±inf, NaN, zeros)");
}

xc_code code_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const xc::Error& error) {
    return error.code();
  }
  return XC_OK;
}

// What a model load picks for `type`'s matrices: Rows16 on a table that prefers it (tied output and
// embedding lookups included) when every row count is in sixteens, and never on the scalar table.
void check_model_layout(Checker& check, GgmlType type, const std::string& temp_dir) {
  SynthSpec spec;
  spec.embedding = 64, spec.heads = 4, spec.kv_heads = 2, spec.feed_forward = 96, spec.vocab = 272;
  spec.type = type, spec.tied_embeddings = true;
  const std::string path = temp_dir + "/rows16-layout-" + xc::ggml_type_name(type) + ".gguf";
  write_synth_model(spec, path);
  const xc::GgufFile file(path);
  const xc::ModelConfig config = xc::read_model_config(file);
  for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    const xc::ModelWeights w = xc::load_model_weights(file, config, *table, true);
    const xc::WeightTraits& traits = table->traits(type);
    const bool rows16 = traits.prefer_rows16;
    const xc::WeightLayout expected = rows16                                 ? xc::WeightLayout::Rows16
                                      : traits.interleaved.tile_4x4 != nullptr ? xc::WeightLayout::Interleaved
                                                                             : xc::WeightLayout::Ggml;
    const xc::LayerWeights& layer = w.layers[0];
    check.expect(layer.wq.layout == expected && layer.wk.layout == expected && layer.w_down.layout == expected &&
                     w.output.layout == expected && w.token_embedding.layout == expected,
                 std::string(table->name) + " " + xc::ggml_type_name(type) + " model load: " +
                     (rows16 ? "Rows16" : expected == xc::WeightLayout::Interleaved ? "x8" : "file") + " layout");
  }
}

}  // namespace

void run_rows16_checks(Checker& check, const std::string& temp_dir) {
  std::mt19937 engine(29);
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  auto random = [&](size_t count) {
    std::vector<float> values(count);
    for (float& v : values) v = spread(engine);
    return values;
  };
  check.expect(xc::has_rows16_layout(GgmlType::Q8_0) && xc::has_rows16_layout(GgmlType::Q4_0) &&
                   xc::has_rows16_layout(GgmlType::Q5_0) && !xc::has_rows16_layout(GgmlType::F16),
               "Rows16: Q8_0, Q4_0 and Q5_0 have it, F16 not");
  for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table != nullptr) check_quantize_sum(check, *table, engine);
  }
  for (GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0}) {
    for (int64_t rows : {16, 32, 48}) {
      for (int64_t cols : {32, 96, 576, 896}) {
        // every decode-batch tile (1–16 tokens), then prefill's token splits
        for (int64_t tokens = 1; tokens <= 19; tokens++) {
          if (tokens > 8 && cols == 896 && tokens != 13 && tokens != 16) continue;
          check_tiles(check, type, "", rows, cols, tokens, random(rows * cols), random(tokens * cols), 1e-5);
        }
      }
    }
    // Integer extremes: quants at their ends of the range against activations at ±127.
    for (const int64_t tokens : {7, 16}) {
      const int64_t rows = 32, cols = 4864;
      std::vector<float> w(rows * cols), x(tokens * cols);
      for (int64_t i = 0; i < rows * cols; i++) w[i] = (i / cols) % 2 == 0 ? 1.0f : -1.0f;
      for (int64_t i = 0; i < tokens * cols; i++) x[i] = (i / cols) % 3 == 0 ? 1.0f : -1.0f;
      check_tiles(check, type, " at the integer extremes", rows, cols, tokens, w, x, 1e-6);
    }
    for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx512_kernels()}) {
      if (table == nullptr) continue;
      for (int64_t n : {96, 576, 1536}) check_matmul(check, *table, type, 80, n, engine);
      for (int64_t rows : {576, 960}) check_matmul(check, *table, type, rows, 576, engine);
    }
    check_model_layout(check, type, temp_dir);
  }
  std::vector<uint8_t> bytes(static_cast<size_t>(20 * 34)), out(bytes.size());
  check.expect(code_of([&] { xc::interleave_rows16(GgmlType::Q8_0, bytes.data(), out.data(), 20, 32); }) == XC_ERR_INTERNAL,
               "Rows16: 20 rows (not whole groups) fail with a typed error");
  check.expect(code_of([&] { xc::interleave_rows16(GgmlType::F16, bytes.data(), out.data(), 16, 256); }) == XC_ERR_INTERNAL,
               "Rows16: a type without the layout fails with a typed error");
  const xc::WeightMatrix matrix{GgmlType::Q8_0, 32, 32, out.data(), 34, xc::WeightLayout::Rows16};
  check.expect(code_of([&] { (void)matrix.slice_rows(8, 16); }) == XC_ERR_INTERNAL && code_of([&] { (void)matrix.slice_rows(16, 16); }) == XC_OK,
               "Rows16: a slice must keep whole groups of 16 rows");
}

}  // namespace xch
