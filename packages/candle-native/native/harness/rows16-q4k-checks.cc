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
#include "rows16-kernel-checks.h"

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

void check_kernels(Checker& check, const Q4KCase& c, const std::string& label, double tolerance) {
  check_rows16_kernels(check, {GgmlType::Q4_K, c.rows, c.cols, c.tokens, c.row_bytes, c.ggml, c.rows16, c.act.data(), c.act_bytes, c.act.data(), c.act_bytes},
                       label, tolerance);
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
  std::vector<int64_t> counts;
  for (int64_t tokens = 1; tokens <= 17; tokens++) counts.push_back(tokens);
  counts.push_back(kMaxTokens);
  check_rows16_matmul(check, table,
                      {GgmlType::Q4_K, kRows, cols, kMaxTokens, c.row_bytes, c.ggml, c.rows16, c.act.data(), c.act_bytes, c.act.data(), c.act_bytes},
                      x, bias, counts, "1..17 and 64");
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
  check_kquant_model_layout(check, GgmlType::Q4_K, "x8", temp_dir);
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
