// The K-quant interleaved kernels in every shape they are built in (4 rows × 1..8 tokens, 1 × 1), and
// matmul's dispatch over them for 1..17 tokens and a row count that leaves a dot tail: every output
// against the scalar dot of the same ggml row and quantized activation.
#include <cmath>
#include <cstring>
#include <random>
#include <string>

#include "check.h"
#include "common/thread-pool.h"
#include "gguf-writer.h"
#include "kernels/cpu/interleave.h"
#include "kernels/cpu/interleaved-kquant-avx512.h"
#include "kernels/cpu/kernel-table.h"
#include "kernels/cpu/matmul.h"

namespace xch {

using xc::GgmlType;

namespace {

constexpr int kMaxTokens = 17;

// `rows` weight rows and kMaxTokens activation rows of width n, in both layouts.
struct Operands {
  int64_t n = 0, rows = 0, row_bytes = 0;
  size_t act_bytes = 0, act_x8_bytes = 0;
  std::vector<float> x;
  std::vector<uint8_t> ggml, x8, act, act_x8;
};

Operands make_operands(GgmlType type, int64_t n, int64_t rows, std::mt19937& engine) {
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  Operands o;
  o.n = n;
  o.rows = rows;
  std::vector<float> w(static_cast<size_t>(rows * n));
  for (float& v : w) v = spread(engine);
  o.x.resize(static_cast<size_t>(kMaxTokens * n));
  for (float& v : o.x) v = spread(engine);
  o.ggml = encode_tensor(type, w, n);
  o.row_bytes = static_cast<int64_t>(o.ggml.size()) / rows;
  o.x8.resize(o.ggml.size());
  xc::interleave_rows(type, o.ggml.data(), o.x8.data(), rows, n);
  const xc::KernelTable& scalar = xc::scalar_kernels();
  const xc::ActivationFormat format = xc::activation_format(type);
  const xc::ActivationFormat format_x8 = xc::activation_format(type, xc::WeightLayout::Interleaved);
  o.act_bytes = xc::activation_row_bytes(format, n);
  o.act_x8_bytes = xc::activation_row_bytes(format_x8, n);
  o.act.resize(kMaxTokens * o.act_bytes);
  o.act_x8.resize(kMaxTokens * o.act_x8_bytes);
  for (int t = 0; t < kMaxTokens; t++) {
    xc::quantize_activations(scalar, format, o.x.data() + t * n, o.act.data() + t * o.act_bytes, n);
    xc::quantize_activations(scalar, format_x8, o.x.data() + t * n, o.act_x8.data() + t * o.act_x8_bytes, n);
  }
  return o;
}

// The scalar ggml dot of weight row r and token t.
float expected_dot(GgmlType type, const Operands& o, int64_t r, int t) {
  return xc::scalar_kernels().kernels_for(type).dot(o.n, o.ggml.data() + r * o.row_bytes, o.act.data() + t * o.act_bytes);
}

void check_shapes(Checker& check, const std::vector<xc::KQuantTile>& shapes, std::mt19937& engine) {
  for (const int64_t n : {256, 768, 1280}) {
    for (GgmlType type : {GgmlType::Q4_K, GgmlType::Q6_K}) {
      const Operands o = make_operands(type, n, 4, engine);
      for (const xc::KQuantTile& shape : shapes) {
        if (shape.type != type) continue;
        // Two tiles side by side in one output, so a tile writing outside its rows and tokens shows.
        const int64_t os = 2 * shape.rows + 1;
        std::vector<float> out(static_cast<size_t>(shape.tokens * os), NAN);
        shape.fn(n, o.x8.data(), o.row_bytes, o.act_x8.data(), static_cast<int64_t>(o.act_x8_bytes), out.data(), os);
        double error = 0;
        bool untouched = true;
        for (int t = 0; t < shape.tokens; t++) {
          for (int64_t r = 0; r < os; r++) {
            const float got = out[static_cast<size_t>(t * os + r)];
            if (r >= shape.rows) {
              untouched &= std::isnan(got);
              continue;
            }
            const float expected = expected_dot(type, o, r, t);
            error = std::max(error, std::fabs(static_cast<double>(got) - expected) / (std::fabs(expected) + 1e-3));
          }
        }
        const std::string name = std::string("avx512 ") + xc::ggml_type_name(type) + " interleaved " +
                                 std::to_string(shape.rows) + "×" + std::to_string(shape.tokens) + " tile, " +
                                 std::to_string(n) + " columns";
        check.expect(error < 1e-4 && untouched, name + " = scalar ggml dots, nothing else written",
                     "relative error " + number(error));
      }
    }
  }
}

// matmul on interleaved rows for every token count 1..17 (the 4×4 and 4×2 tiles, then dots for the last
// token and for the 13th row), two threads, against the scalar dots.
void check_matmul_tokens(Checker& check, std::mt19937& engine) {
  const xc::KernelTable& kernels = xc::best_kernels();
  xc::ThreadPool pool(2);
  std::vector<uint8_t> scratch;
  for (const int64_t n : {256, 512, 1280}) {
    for (GgmlType type : {GgmlType::Q4_K, GgmlType::Q6_K}) {
      if (!kernels.traits(type).relay) continue;
      const int64_t rows = 13;
      const Operands o = make_operands(type, n, rows, engine);
      const xc::WeightMatrix matrix{type, rows, n, o.x8.data(), o.row_bytes, xc::WeightLayout::Interleaved};
      double worst = 0;
      int worst_tokens = 0;
      for (int tokens = 1; tokens <= kMaxTokens; tokens++) {
        std::vector<float> got(static_cast<size_t>(tokens * rows)), expected(got.size());
        for (int t = 0; t < tokens; t++) {
          for (int64_t r = 0; r < rows; r++) expected[static_cast<size_t>(t * rows + r)] = expected_dot(type, o, r, t);
        }
        const xc::MatmulTarget target{&matrix, got.data(), rows, nullptr};
        xc::matmul(pool, kernels, o.x.data(), tokens, &target, 1, scratch);
        const double error = relative_l2(got.data(), expected.data(), expected.size());
        if (error >= worst) worst = error, worst_tokens = tokens;
      }
      check.expect(worst < 1e-5, std::string(kernels.name) + " matmul, interleaved " + xc::ggml_type_name(type) + ", " +
                                     std::to_string(n) + " columns × 13 rows, 1..17 tokens = scalar ggml dots",
                   "worst rel L2 " + number(worst) + " at " + std::to_string(worst_tokens) + " tokens");
    }
  }
}

}  // namespace

void run_kquant_tile_checks(Checker& check) {
  std::mt19937 engine(15);
  const std::vector<xc::KQuantTile> shapes = xc::avx512_kquant_tiles();
  if (xc::avx512_kernels() != nullptr) {
    check.expect(shapes.size() == 18, "avx512 K-quant kernels come in 18 shapes", std::to_string(shapes.size()));
  }
  check_shapes(check, shapes, engine);
  check_matmul_tokens(check, engine);
}

}  // namespace xch
