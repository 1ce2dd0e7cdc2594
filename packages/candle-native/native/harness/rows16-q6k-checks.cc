// Q6_K's Rows16 layout (interleave-rows16-q6k.h): the re-lay and its inverse; the AVX-512 kernel bit for bit
// against the x16 layout's one-row dot for every token (1–13, 16 and 64 tokens, ragged group counts, random
// scales and quants and the integer extremes), and each token alone = the same bits as in its call; every
// table's Rows16 kernel against the scalar ggml dots; xc::matmul over a Rows16 matrix bit for bit against the
// x16 matrix one token a call (1..17 and 64 tokens, 1–3 threads); and which layout a model load picks.
#include <cmath>
#include <cstring>
#include <random>

#include "check.h"
#include "common/fp16.h"
#include "common/thread-pool.h"
#include "gguf-writer.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-rows16.h"
#include "kernels/cpu/interleave.h"
#include "kernels/cpu/kernel-table.h"
#include "kernels/cpu/matmul.h"
#include "models/model-config.h"
#include "models/model-weights.h"
#include "rows16-kernel-checks.h"

namespace xch {

using xc::GgmlType;

namespace {

constexpr int64_t kBlockBytes = sizeof(xc::BlockQ6K);

// One case in all three layouts, with the activations each takes.
struct Q6KCase {
  int64_t rows = 0, cols = 0, tokens = 0, row_bytes = 0;
  size_t act_bytes = 0, act16_bytes = 0;
  std::vector<uint8_t> ggml, rows16, x16, act, act16;
};

Q6KCase make_case(std::vector<uint8_t> ggml, int64_t rows, int64_t cols, const std::vector<float>& x, int64_t tokens) {
  Q6KCase c;
  c.rows = rows, c.cols = cols, c.tokens = tokens;
  c.ggml = std::move(ggml);
  c.row_bytes = cols / xc::kQK_K * kBlockBytes;
  c.rows16.resize(c.ggml.size());
  c.x16.resize(c.ggml.size());
  xc::interleave_rows16(GgmlType::Q6_K, c.ggml.data(), c.rows16.data(), rows, cols);
  xc::interleave_rows(GgmlType::Q6_K, c.ggml.data(), c.x16.data(), rows, cols);
  c.act_bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8K, cols);
  c.act16_bytes = xc::activation_row_bytes(xc::ActivationFormat::Q8Kx16, cols);
  c.act.resize(static_cast<size_t>(tokens) * c.act_bytes);
  c.act16.resize(static_cast<size_t>(tokens) * c.act16_bytes);
  for (int64_t t = 0; t < tokens; t++) {
    xc::quantize_activations(xc::scalar_kernels(), xc::ActivationFormat::Q8K, x.data() + t * cols, c.act.data() + t * c.act_bytes, cols);
    xc::quantize_activations(xc::scalar_kernels(), xc::ActivationFormat::Q8Kx16, x.data() + t * cols, c.act16.data() + t * c.act16_bytes,
                             cols);
  }
  return c;
}

// Random ggml Q6_K blocks: every quant and scale byte random, d a small positive half.
std::vector<uint8_t> random_blocks(int64_t rows, int64_t cols, std::mt19937& engine) {
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_real_distribution<float> scale(1e-4f, 2e-3f);
  std::vector<uint8_t> out(static_cast<size_t>(rows * cols / xc::kQK_K * kBlockBytes));
  for (uint8_t& b : out) b = static_cast<uint8_t>(byte(engine));
  for (size_t at = 0; at < out.size(); at += kBlockBytes) {
    const uint16_t d = xc::f32_to_fp16(scale(engine));
    std::memcpy(&out[at + offsetof(xc::BlockQ6K, d)], &d, 2);
  }
  return out;
}

std::vector<float> random_floats(int64_t count, std::mt19937& engine) {
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  std::vector<float> values(static_cast<size_t>(count));
  for (float& v : values) v = spread(engine);
  return values;
}

// The x16 layout's one-row dot for each of the case's tokens and rows.
std::vector<float> x16_dots(const xc::KernelTable& table, const Q6KCase& c) {
  const xc::DotFn dot = table.traits(GgmlType::Q6_K).interleaved.dot;
  std::vector<float> out(static_cast<size_t>(c.tokens * c.rows));
  const int64_t xs = static_cast<int64_t>(c.act16_bytes);
  for (int64_t t = 0; t < c.tokens; t++) {
    for (int64_t i = 0; i < c.rows; i++) out[static_cast<size_t>(t * c.rows + i)] = dot(c.cols, c.x16.data() + i * c.row_bytes, c.act16.data() + t * xs);
  }
  return out;
}

void check_kernels(Checker& check, const Q6KCase& c, const std::string& label, double tolerance) {
  check_rows16_kernels(check,
                       {GgmlType::Q6_K, c.rows, c.cols, c.tokens, c.row_bytes, c.ggml, c.rows16, c.act.data(), c.act_bytes, c.act.data(),
                        c.act_bytes},
                       label, tolerance);
  const xc::KernelTable* avx512 = xc::avx512_kernels();
  if (avx512 == nullptr) return;
  std::vector<float> got(static_cast<size_t>(c.tokens * c.rows));
  avx512->traits(GgmlType::Q6_K).rows16.rows(c.cols, c.rows16.data(), c.row_bytes, c.act.data(), static_cast<int64_t>(c.act_bytes),
                                             got.data(), c.rows, c.rows, c.tokens);
  const std::vector<float> expected = x16_dots(*avx512, c);
  check.expect(std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)) == 0,
               "avx512 Q6_K Rows16, " + std::to_string(c.rows) + " rows × " + std::to_string(c.cols) + " columns × " +
                   std::to_string(c.tokens) + " tokens" + label + ": the x16 one-row dot's bits");
}

// All quants 63 (q = 31) or 0 (q = −32), scales ±128 (−128) or 127, d = 1, against activations of −128 or 127.
Q6KCase extreme_case(int64_t rows, int64_t cols, int64_t tokens) {
  std::vector<uint8_t> weights(static_cast<size_t>(rows * cols / xc::kQK_K * kBlockBytes));
  for (size_t at = 0, b = 0; at < weights.size(); at += kBlockBytes, b++) {
    std::memset(&weights[at], b % 2 == 0 ? 0xFF : 0x00, offsetof(xc::BlockQ6K, scales));
    std::memset(&weights[at + offsetof(xc::BlockQ6K, scales)], b % 3 == 0 ? 0x80 : 0x7F, 16);
    std::memcpy(&weights[at + offsetof(xc::BlockQ6K, d)], "\x00\x3C", 2);
  }
  std::vector<float> x(static_cast<size_t>(tokens * cols));
  for (int64_t i = 0; i < tokens * cols; i++) x[static_cast<size_t>(i)] = (i / cols) % 2 == 0 ? -1.0f : 1.0f;
  return make_case(std::move(weights), rows, cols, x, tokens);
}

// xc::matmul over Rows16 Q6_K rows bit for bit against the same rows in the x16 layout (the table's own
// kernels) one token a call, 1..17 and 64 tokens, 1–3 threads, a bias.
void check_matmul_bits(Checker& check, const xc::KernelTable& table, int64_t rows, int64_t cols, std::mt19937& engine) {
  constexpr int64_t kMaxTokens = 64;
  const std::vector<float> x = random_floats(kMaxTokens * cols, engine), bias = random_floats(rows, engine);
  const Q6KCase c = make_case(random_blocks(rows, cols, engine), rows, cols, x, kMaxTokens);
  const xc::WeightMatrix rows16{GgmlType::Q6_K, rows, cols, c.rows16.data(), c.row_bytes, xc::WeightLayout::Rows16};
  const xc::WeightMatrix x16{GgmlType::Q6_K, rows, cols, c.x16.data(), c.row_bytes, xc::WeightLayout::Interleaved};
  std::vector<uint8_t> scratch;
  bool same = true;
  for (int threads : {1, 2, 3}) {
    xc::ThreadPool pool(threads);
    for (int64_t tokens = 1; tokens <= kMaxTokens; tokens = tokens == 17 ? kMaxTokens : tokens + 1) {
      std::vector<float> got(static_cast<size_t>(tokens * rows)), expected(got.size());
      const xc::MatmulTarget a{&rows16, got.data(), rows, bias.data()};
      xc::matmul(pool, table, x.data(), tokens, &a, 1, scratch);
      for (int64_t t = 0; t < tokens; t++) {
        const xc::MatmulTarget b{&x16, expected.data() + t * rows, rows, bias.data()};
        xc::matmul(pool, table, x.data() + t * cols, 1, &b, 1, scratch);
      }
      same = same && std::memcmp(got.data(), expected.data(), got.size() * sizeof(float)) == 0;
    }
  }
  check.expect(same, std::string(table.name) + " Q6_K matmul, " + std::to_string(rows) + " × " + std::to_string(cols) +
                         ", Rows16 = x16 one token a call, bit for bit (1..17 and 64 tokens + bias, 1–3 threads)");
}

void check_matmul(Checker& check, const xc::KernelTable& table, int64_t cols, std::mt19937& engine) {
  constexpr int64_t kRows = 80;
  constexpr int64_t kMaxTokens = 64;
  const std::vector<float> x = random_floats(kMaxTokens * cols, engine), bias = random_floats(kRows, engine);
  const Q6KCase c = make_case(random_blocks(kRows, cols, engine), kRows, cols, x, kMaxTokens);
  std::vector<int64_t> counts;
  for (int64_t tokens = 1; tokens <= 17; tokens++) counts.push_back(tokens);
  counts.push_back(kMaxTokens);
  check_rows16_matmul(check, table,
                      {GgmlType::Q6_K, kRows, cols, kMaxTokens, c.row_bytes, c.ggml, c.rows16, c.act.data(), c.act_bytes, c.act.data(), c.act_bytes},
                      x, bias, counts, "1..17 and 64");
}

}  // namespace

void run_rows16_q6k_checks(Checker& check, const std::string& temp_dir) {
  std::mt19937 engine(43);
  check.expect(xc::has_rows16_layout(GgmlType::Q6_K), "Rows16: Q6_K has it");
  for (int64_t rows : {16, 48, 80}) {
    for (int64_t cols : {256, 768}) {
      for (int64_t tokens : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 16, 64}) {
        check_kernels(check, make_case(random_blocks(rows, cols, engine), rows, cols, random_floats(tokens * cols, engine), tokens), "", 1e-5);
      }
    }
  }
  // The scales as a real quantizer writes them (encode_tensor) at TinyLlama's widths; a long prefill run.
  for (const int64_t cols : {2048, 5632}) {
    const int64_t rows = 32, tokens = cols == 2048 ? 20 : 257;
    check_kernels(check,
                  make_case(encode_tensor(GgmlType::Q6_K, random_floats(rows * cols, engine), cols), rows, cols,
                            random_floats(tokens * cols, engine), tokens),
                  " (quantized weights)", 1e-5);
  }
  for (int64_t tokens : {1, 7, 64}) check_kernels(check, extreme_case(48, 1024, tokens), " at the integer extremes", 1e-6);
  for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    for (int64_t cols : {256, 1536}) check_matmul(check, *table, cols, engine);
  }
  if (const xc::KernelTable* avx512 = xc::avx512_kernels()) {
    check_matmul_bits(check, *avx512, 80, 768, engine);
    check_matmul_bits(check, *avx512, 1024, 256, engine);
  }
  check_kquant_model_layout(check, GgmlType::Q6_K, "x16", temp_dir);
  std::vector<uint8_t> bytes(static_cast<size_t>(20 * kBlockBytes)), out(bytes.size());
  const auto fails = [&](int64_t rows, int64_t cols) {
    try {
      xc::interleave_rows16(GgmlType::Q6_K, bytes.data(), out.data(), rows, cols);
    } catch (const xc::Error& error) {
      return error.code() == XC_ERR_INTERNAL;
    }
    return false;
  };
  check.expect(fails(16, 128), "Q6_K Rows16: a row of 128 (not whole 256-element blocks) fails with a typed error");
  check.expect(fails(20, 256), "Q6_K Rows16: 20 rows (not whole groups) fail with a typed error");
}

}  // namespace xch
