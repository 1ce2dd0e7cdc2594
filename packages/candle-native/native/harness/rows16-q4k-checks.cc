// Q4_K's Rows16 layout (interleave-rows16-q4k.h): the re-lay and its inverse, every table's Rows16 kernel
// against the scalar ggml Q4_K dots (1–13, 16 and 64 tokens: the decode path that unpacks headers as rows
// stream and the prefill path that unpacks them per chunk; ragged group counts; random six-bit scales and
// mins; the integer extremes), xc::matmul and row lookups over Rows16 Q4_K matrices, and which layout a
// model load picks per table and shape.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "check.h"
#include "common/fp16.h"
#include "common/thread-pool.h"
#include "gguf-writer.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-rows16-q4k.h"
#include "kernels/cpu/interleave-rows16.h"
#include "kernels/cpu/kernel-table.h"
#include "kernels/cpu/matmul.h"
#include "models/model-config.h"
#include "models/model-weights.h"

namespace xch {

using xc::GgmlType;

namespace {

constexpr int64_t kBlockBytes = sizeof(xc::BlockQ4K);

struct Q4KCase {
  int64_t rows = 0, cols = 0, tokens = 0, row_bytes = 0;
  size_t act_bytes = 0;
  std::vector<uint8_t> ggml, rows16, act;
};

Q4KCase make_case(std::vector<uint8_t> ggml, int64_t rows, int64_t cols, std::vector<uint8_t> act, int64_t tokens) {
  Q4KCase c;
  c.rows = rows, c.cols = cols, c.tokens = tokens;
  c.ggml = std::move(ggml);
  c.row_bytes = cols / xc::kQK_K * kBlockBytes;
  c.rows16.resize(c.ggml.size());
  xc::interleave_rows16(GgmlType::Q4_K, c.ggml.data(), c.rows16.data(), rows, cols);
  c.act_bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8K, cols);
  c.act = std::move(act);
  return c;
}

std::vector<uint8_t> quantized_activations(const std::vector<float>& x, int64_t tokens, int64_t cols) {
  const size_t bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8K, cols);
  std::vector<uint8_t> act(static_cast<size_t>(tokens) * bytes);
  for (int64_t t = 0; t < tokens; t++) {
    xc::quantize_activations(xc::scalar_kernels(), xc::ActivationFormat::Q8K, x.data() + t * cols, act.data() + t * bytes, cols);
  }
  return act;
}

// Random ggml Q4_K blocks: every header byte random (all six-bit scale and min patterns), d and dmin
// small positive halves.
std::vector<uint8_t> random_blocks(int64_t rows, int64_t cols, std::mt19937& engine) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> scale(1e-3f, 2e-2f);
  std::vector<uint8_t> out(static_cast<size_t>(rows * cols / xc::kQK_K * kBlockBytes));
  for (uint8_t& b : out) b = static_cast<uint8_t>(byte(engine));
  for (size_t at = 0; at < out.size(); at += kBlockBytes) {
    const uint16_t d = xc::f32_to_fp16(scale(engine)), dmin = xc::f32_to_fp16(scale(engine));
    std::memcpy(&out[at], &d, 2);
    std::memcpy(&out[at + 2], &dmin, 2);
  }
  return out;
}

// Largest difference between `table`'s Rows16 kernel and the scalar ggml dots, relative to the largest
// dot; infinite when it writes outside its rows.
double rows16_error(const xc::KernelTable& table, const Q4KCase& c) {
  const xc::DotFn ggml_dot = xc::scalar_kernels().kernels_for(GgmlType::Q4_K).dot;
  const int64_t stride = c.rows + 3;
  std::vector<float> out(static_cast<size_t>(c.tokens * stride), -7.0f);
  table.kernels_for(GgmlType::Q4_K, xc::WeightLayout::Rows16)
      .rows(c.cols, c.rows16.data(), c.row_bytes, c.act.data(), static_cast<int64_t>(c.act_bytes), out.data(), stride, c.rows, c.tokens);
  double largest = 1e-3, worst = 0;
  for (int64_t t = 0; t < c.tokens; t++) {
    for (int64_t r = 0; r < stride; r++) {
      const float got = out[static_cast<size_t>(t * stride + r)];
      if (r >= c.rows) {
        if (got != -7.0f) return INFINITY;
        continue;
      }
      const float expected = ggml_dot(c.cols, c.ggml.data() + r * c.row_bytes, c.act.data() + t * c.act_bytes);
      largest = std::max(largest, static_cast<double>(std::fabs(expected)));
      worst = std::max(worst, static_cast<double>(std::fabs(expected - got)));
    }
  }
  return worst / largest;
}

void check_kernels(Checker& check, const Q4KCase& c, const std::string& label, double tolerance) {
  const std::string name = "Q4_K Rows16, " + std::to_string(c.rows) + " rows × " + std::to_string(c.cols) + " columns × " +
                           std::to_string(c.tokens) + " tokens" + label;
  std::vector<uint8_t> back(c.rows16.size());
  xc::deinterleave_rows16(GgmlType::Q4_K, c.rows16.data(), back.data(), c.rows, c.cols);
  check.expect(back == c.ggml, name + ": back from Rows16 to the same bytes");
  check.expect(c.rows16 != c.ggml, name + ": the layout moves bytes");
  for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr || table->traits(GgmlType::Q4_K).rows16.rows == nullptr) continue;
    const double error = rows16_error(*table, c);
    check.expect(error < tolerance, std::string(table->name) + " " + name + ": kernel = ggml dots", "relative error " + number(error));
  }
}

// All nibbles 15, scales and mins 63 (every header byte 0xFF), d = dmin = 1, against activations of −128 or
// 127: the largest integer sums the kernel forms.
Q4KCase extreme_case(int64_t rows, int64_t cols, int64_t tokens) {
  std::vector<uint8_t> weights(static_cast<size_t>(rows * cols / xc::kQK_K * kBlockBytes), 0xFF);
  for (size_t b = 0; b < weights.size(); b += kBlockBytes) std::memcpy(&weights[b], "\x00\x3C\x00\x3C", 4);
  const size_t act_bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8K, cols);
  std::vector<uint8_t> act(static_cast<size_t>(tokens) * act_bytes);
  for (int64_t t = 0; t < tokens; t++) {
    auto* blocks = reinterpret_cast<xc::ActQ8K*>(act.data() + t * act_bytes);
    const int8_t q = t % 2 == 0 ? -128 : 127;
    for (int64_t b = 0; b < cols / xc::kQK_K; b++) {
      blocks[b].d = 1.0f;
      std::memset(blocks[b].qs, static_cast<uint8_t>(q), sizeof(blocks[b].qs));
      for (auto& s : blocks[b].bsums) s = static_cast<int16_t>(16 * q);
    }
  }
  return make_case(std::move(weights), rows, cols, std::move(act), tokens);
}

// xc::matmul over a Rows16 Q4_K matrix (1 and 2 threads, 1..17 and 64 tokens, a bias) and row lookups.
void check_matmul(Checker& check, const xc::KernelTable& table, int64_t cols, std::mt19937& engine) {
  constexpr int64_t kRows = 80;
  constexpr int64_t kMaxTokens = 64;
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  std::vector<float> x(static_cast<size_t>(kMaxTokens * cols)), bias(kRows);
  for (float& v : x) v = spread(engine);
  for (float& v : bias) v = spread(engine);
  const Q4KCase c = make_case(random_blocks(kRows, cols, engine), kRows, cols, quantized_activations(x, kMaxTokens, cols), kMaxTokens);
  const xc::WeightMatrix matrix{GgmlType::Q4_K, kRows, cols, c.rows16.data(), c.row_bytes, xc::WeightLayout::Rows16};
  const xc::DotFn ggml_dot = xc::scalar_kernels().kernels_for(GgmlType::Q4_K).dot;
  const std::string name = std::string(table.name) + " Q4_K Rows16 matmul, " + std::to_string(cols) + " columns";
  std::vector<uint8_t> scratch;
  for (int threads : {1, 2}) {
    xc::ThreadPool pool(threads);
    double error = 0;
    for (int64_t tokens = 1; tokens <= kMaxTokens; tokens = tokens < 17 ? tokens + 1 : kMaxTokens) {
      std::vector<float> out(static_cast<size_t>(tokens * kRows));
      const xc::MatmulTarget target{&matrix, out.data(), kRows, bias.data()};
      xc::matmul(pool, table, x.data(), tokens, &target, 1, scratch);
      double largest = 1e-3, worst = 0;
      for (int64_t t = 0; t < tokens; t++) {
        for (int64_t r = 0; r < kRows; r++) {
          const float expected = ggml_dot(cols, c.ggml.data() + r * c.row_bytes, c.act.data() + t * c.act_bytes) + bias[r];
          largest = std::max(largest, static_cast<double>(std::fabs(expected)));
          worst = std::max(worst, static_cast<double>(std::fabs(expected - out[static_cast<size_t>(t * kRows + r)])));
        }
      }
      error = std::max(error, worst / largest);
      if (tokens == kMaxTokens) break;
    }
    check.expect(error < 1e-5, name + ", 1..17 and 64 tokens + bias, " + std::to_string(threads) + " threads = ggml dots",
                 "relative error " + number(error));
  }
  bool same = true;
  std::vector<float> got(static_cast<size_t>(cols)), expected(static_cast<size_t>(cols));
  for (int64_t r : {int64_t{0}, int64_t{17}, kRows - 1}) {
    xc::dequantize_matrix_row(matrix, r, got.data());
    xc::dequantize_row(GgmlType::Q4_K, c.ggml.data() + r * c.row_bytes, expected.data(), cols);
    same = same && got == expected;
  }
  check.expect(same, name + ": a row looked up = the ggml row");
}

// A model load: Rows16 on the AVX-512 table when every row count is in sixteens, the x8 layout for a
// matrix whose rows are not (a vocabulary of 280) and on tables without the Rows16 kernel's preference.
void check_model_layout(Checker& check, const std::string& temp_dir) {
  for (const int vocab : {272, 280}) {
    SynthSpec spec;
    spec.embedding = 256, spec.heads = 4, spec.kv_heads = 2, spec.feed_forward = 512, spec.vocab = vocab;
    spec.type = GgmlType::Q4_K;
    const std::string path = temp_dir + "/rows16-q4k-layout-" + std::to_string(vocab) + ".gguf";
    write_synth_model(spec, path);
    const xc::GgufFile file(path);
    const xc::ModelConfig config = xc::read_model_config(file);
    for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx2_kernels(), xc::avx512_kernels()}) {
      if (table == nullptr) continue;
      const xc::ModelWeights w = xc::load_model_weights(file, config, *table, true);
      const xc::WeightTraits& traits = table->traits(GgmlType::Q4_K);
      const xc::WeightLayout x8 = traits.interleaved.tile_4x4 != nullptr ? xc::WeightLayout::Interleaved : xc::WeightLayout::Ggml;
      const xc::WeightLayout layers = traits.prefer_rows16 ? xc::WeightLayout::Rows16 : x8;
      const xc::WeightLayout output = traits.prefer_rows16 && vocab % 16 == 0 ? xc::WeightLayout::Rows16 : x8;
      const xc::LayerWeights& layer = w.layers[0];
      check.expect(layer.wq.layout == layers && layer.wk.layout == layers && layer.w_down.layout == layers && w.output.layout == output,
                   std::string(table->name) + " Q4_K model load, vocabulary " + std::to_string(vocab) + ": layers " +
                       (layers == xc::WeightLayout::Rows16 ? "Rows16" : layers == x8 && x8 == xc::WeightLayout::Interleaved ? "x8" : "file") +
                       ", output " + (output == xc::WeightLayout::Rows16 ? "Rows16" : output == xc::WeightLayout::Interleaved ? "x8" : "file"));
    }
  }
  const xc::KernelTable* avx512 = xc::avx512_kernels();
  check.expect(avx512 == nullptr || avx512->traits(GgmlType::Q4_K).prefer_rows16, "avx512 table prefers Q4_K Rows16");
  check.expect(!xc::scalar_kernels().traits(GgmlType::Q4_K).prefer_rows16 &&
                   (xc::avx2_kernels() == nullptr || !xc::avx2_kernels()->traits(GgmlType::Q4_K).prefer_rows16),
               "scalar and avx2 tables keep Q4_K out of Rows16");
}

}  // namespace

void run_rows16_q4k_checks(Checker& check, const std::string& temp_dir) {
  std::mt19937 engine(41);
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  check.expect(xc::has_rows16_layout(GgmlType::Q4_K), "Rows16: Q4_K has it");
  for (int64_t rows : {16, 48, 80}) {
    for (int64_t cols : {256, 768}) {
      for (int64_t tokens : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 64}) {
        std::vector<float> x(static_cast<size_t>(tokens * cols));
        for (float& v : x) v = spread(engine);
        check_kernels(check, make_case(random_blocks(rows, cols, engine), rows, cols, quantized_activations(x, tokens, cols), tokens), "",
                      1e-5);
      }
    }
  }
  // The scales as a real quantizer writes them (encode_tensor) at a TinyLlama width.
  {
    const int64_t rows = 32, cols = 2048, tokens = 20;
    std::vector<float> w(static_cast<size_t>(rows * cols)), x(static_cast<size_t>(tokens * cols));
    for (float& v : w) v = spread(engine);
    for (float& v : x) v = spread(engine);
    check_kernels(check, make_case(encode_tensor(GgmlType::Q4_K, w, cols), rows, cols, quantized_activations(x, tokens, cols), tokens),
                  " (quantized weights)", 1e-5);
  }
  for (int64_t tokens : {1, 7, 64}) check_kernels(check, extreme_case(48, 1024, tokens), " at the integer extremes", 1e-6);
  for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    for (int64_t cols : {256, 1536}) check_matmul(check, *table, cols, engine);
  }
  check_model_layout(check, temp_dir);
  std::vector<uint8_t> bytes(static_cast<size_t>(16 * kBlockBytes)), out(bytes.size());
  bool failed = false;
  try {
    xc::interleave_rows16(GgmlType::Q4_K, bytes.data(), out.data(), 16, 128);
  } catch (const xc::Error& error) {
    failed = error.code() == XC_ERR_INTERNAL;
  }
  check.expect(failed, "Q4_K Rows16: a row of 128 (not whole 256-element blocks) fails with a typed error");
}

}  // namespace xch
