#pragma once

// The checks every Rows16 case gets (rows16-checks.cc, rows16-q4k-checks.cc): the re-lay's inverse, and
// each table's Rows16 kernel against the scalar ggml row dots.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "check.h"
#include "gguf-writer.h"
#include "kernels/cpu/interleave-rows16.h"
#include "common/thread-pool.h"
#include "kernels/cpu/kernel-table.h"
#include "kernels/cpu/matmul.h"
#include "models/model-config.h"
#include "models/model-weights.h"

namespace xch {

// One case's operands: the ggml rows with the activations the ggml dot takes (act), the same rows
// re-laid with the activations the Rows16 kernel takes (act16; Q4_K: the same ones).
struct Rows16Operands {
  xc::GgmlType type;
  int64_t rows, cols, tokens, row_bytes;
  const std::vector<uint8_t>& ggml;
  const std::vector<uint8_t>& rows16;
  const uint8_t* act;
  size_t act_bytes;
  const uint8_t* act16;
  size_t act16_bytes;
};

// Largest difference between `table`'s Rows16 kernel and the scalar ggml dots, relative to the largest
// dot; infinite when it writes outside its rows.
inline double rows16_error(const xc::KernelTable& table, const Rows16Operands& c) {
  const xc::DotFn ggml_dot = xc::scalar_kernels().kernels_for(c.type).dot;
  const int64_t stride = c.rows + 3;  // a padded output row, so a kernel writing past its rows shows
  std::vector<float> out(static_cast<size_t>(c.tokens * stride), -7.0f);
  table.kernels_for(c.type, xc::WeightLayout::Rows16)
      .rows(c.cols, c.rows16.data(), c.row_bytes, c.act16, static_cast<int64_t>(c.act16_bytes), out.data(), stride, c.rows,
            c.tokens);
  double largest = 1e-3, worst = 0;
  for (int64_t t = 0; t < c.tokens; t++) {
    for (int64_t r = 0; r < stride; r++) {
      const float got = out[static_cast<size_t>(t * stride + r)];
      if (r >= c.rows) {
        if (got != -7.0f) return INFINITY;
        continue;
      }
      const float expected = ggml_dot(c.cols, c.ggml.data() + r * c.row_bytes, c.act + t * c.act_bytes);
      largest = std::max(largest, static_cast<double>(std::fabs(expected)));
      worst = std::max(worst, static_cast<double>(std::fabs(expected - got)));
    }
  }
  return worst / largest;
}

// Whether `table`'s Rows16 kernel gives each of the case's tokens the same bits alone (a one-token call,
// the decode path) as in the case's multi-token call (a decode batch or a prompt).
inline bool rows16_token_alone_same_bits(const xc::KernelTable& table, const Rows16Operands& c) {
  const xc::RowsTileFn rows = table.kernels_for(c.type, xc::WeightLayout::Rows16).rows;
  std::vector<float> together(static_cast<size_t>(c.tokens * c.rows)), alone(static_cast<size_t>(c.rows));
  rows(c.cols, c.rows16.data(), c.row_bytes, c.act16, static_cast<int64_t>(c.act16_bytes), together.data(), c.rows, c.rows, c.tokens);
  for (int64_t t = 0; t < c.tokens; t++) {
    rows(c.cols, c.rows16.data(), c.row_bytes, c.act16 + t * c.act16_bytes, static_cast<int64_t>(c.act16_bytes), alone.data(),
         c.rows, c.rows, 1);
    if (std::memcmp(alone.data(), together.data() + t * c.rows, alone.size() * sizeof(float)) != 0) return false;
  }
  return true;
}

// The kernel of every table that has one against the ggml dots, and each token alone = its bits in the call.
inline void check_rows16_kernels(Checker& check, const Rows16Operands& c, const std::string& label, double tolerance) {
  const std::string name = std::string(xc::ggml_type_name(c.type)) + " Rows16, " + std::to_string(c.rows) + " rows × " +
                           std::to_string(c.cols) + " columns × " + std::to_string(c.tokens) + " tokens" + label;
  std::vector<uint8_t> back(c.rows16.size());
  xc::deinterleave_rows16(c.type, c.rows16.data(), back.data(), c.rows, c.cols);
  check.expect(back == c.ggml, name + ": back from Rows16 to the same bytes");
  check.expect(c.rows16 != c.ggml, name + ": the layout moves bytes");
  for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr || table->traits(c.type).rows16.rows == nullptr) continue;
    const double error = rows16_error(*table, c);
    check.expect(error < tolerance, std::string(table->name) + " " + name + ": kernel = ggml dots", "relative error " + number(error));
    if (c.tokens > 1) {
      check.expect(rows16_token_alone_same_bits(*table, c), std::string(table->name) + " " + name + ": each token alone = the same bits");
    }
  }
}

// xc::matmul over the case's Rows16 matrix (x: the float rows act quantizes; 1, 2 and 3 threads, each token
// count of `counts`, a bias) against the ggml dots, and row lookups against the ggml rows.
inline void check_rows16_matmul(Checker& check, const xc::KernelTable& table, const Rows16Operands& c,
                                const std::vector<float>& x, const std::vector<float>& bias,
                                const std::vector<int64_t>& counts, const std::string& counts_label) {
  const xc::WeightMatrix matrix{c.type, c.rows, c.cols, c.rows16.data(), c.row_bytes, xc::WeightLayout::Rows16};
  const xc::DotFn ggml_dot = xc::scalar_kernels().kernels_for(c.type).dot;
  const std::string name = std::string(table.name) + " " + xc::ggml_type_name(c.type) + " Rows16 matmul, " +
                           std::to_string(c.rows) + " × " + std::to_string(c.cols);
  std::vector<uint8_t> scratch;
  for (int threads : {1, 2, 3}) {
    xc::ThreadPool pool(threads);
    double error = 0;
    for (const int64_t tokens : counts) {
      std::vector<float> out(static_cast<size_t>(tokens * c.rows));
      const xc::MatmulTarget target{&matrix, out.data(), c.rows, bias.data()};
      xc::matmul(pool, table, x.data(), tokens, &target, 1, scratch);
      double largest = 1e-3, worst = 0;
      for (int64_t t = 0; t < tokens; t++) {
        for (int64_t r = 0; r < c.rows; r++) {
          const float expected = ggml_dot(c.cols, c.ggml.data() + r * c.row_bytes, c.act + t * c.act_bytes) + bias[r];
          largest = std::max(largest, static_cast<double>(std::fabs(expected)));
          worst = std::max(worst, static_cast<double>(std::fabs(expected - out[static_cast<size_t>(t * c.rows + r)])));
        }
      }
      error = std::max(error, worst / largest);
    }
    check.expect(error < 1e-5, name + ", " + counts_label + " tokens + bias, " + std::to_string(threads) + " threads = ggml dots",
                 "relative error " + number(error));
  }
  bool same = true;
  std::vector<float> got(static_cast<size_t>(c.cols)), expected(static_cast<size_t>(c.cols));
  for (int64_t r : {int64_t{0}, int64_t{17}, c.rows - 1}) {
    xc::dequantize_matrix_row(matrix, r, got.data());
    xc::dequantize_row(c.type, c.ggml.data() + r * c.row_bytes, expected.data(), c.cols);
    same = same && got == expected;
  }
  check.expect(same, name + ": a row looked up = the ggml row");
}

// What a model load picks for a K-quant `type` (Q4_K, Q6_K): Rows16 on the tables that prefer it (only the
// AVX-512 one) when every row count is in sixteens; `interleaved` (its x8 or x16 layout) for an output whose
// rows are not (a vocabulary of 280) and on the other tables.
inline void check_kquant_model_layout(Checker& check, xc::GgmlType type, const std::string& interleaved,
                                      const std::string& temp_dir) {
  const std::string name = xc::ggml_type_name(type);
  auto layout_name = [&](xc::WeightLayout layout) -> std::string {
    return layout == xc::WeightLayout::Rows16 ? "Rows16" : layout == xc::WeightLayout::Interleaved ? interleaved : "file";
  };
  for (const int vocab : {272, 280}) {
    SynthSpec spec;
    spec.embedding = 256, spec.heads = 4, spec.kv_heads = 2, spec.feed_forward = 512, spec.vocab = vocab;
    spec.type = type;
    const std::string path = temp_dir + "/rows16-" + name + "-layout-" + std::to_string(vocab) + ".gguf";
    write_synth_model(spec, path);
    const xc::GgufFile file(path);
    const xc::ModelConfig config = xc::read_model_config(file);
    for (const xc::KernelTable* table : {&xc::scalar_kernels(), xc::avx2_kernels(), xc::avx512_kernels()}) {
      if (table == nullptr) continue;
      const xc::ModelWeights w = xc::load_model_weights(file, config, *table, true);
      const xc::WeightTraits& traits = table->traits(type);
      const xc::WeightLayout fallback = traits.interleaved.tile_4x4 != nullptr ? xc::WeightLayout::Interleaved : xc::WeightLayout::Ggml;
      const xc::WeightLayout layers = traits.prefer_rows16 ? xc::WeightLayout::Rows16 : fallback;
      const xc::WeightLayout output = traits.prefer_rows16 && vocab % 16 == 0 ? xc::WeightLayout::Rows16 : fallback;
      const xc::LayerWeights& layer = w.layers[0];
      check.expect(layer.wq.layout == layers && layer.wk.layout == layers && layer.w_down.layout == layers && w.output.layout == output,
                   std::string(table->name) + " " + name + " model load, vocabulary " + std::to_string(vocab) + ": layers " +
                       layout_name(layers) + ", output " + layout_name(output));
    }
  }
  const xc::KernelTable* avx512 = xc::avx512_kernels();
  check.expect(avx512 == nullptr || avx512->traits(type).prefer_rows16, "avx512 table prefers " + name + " Rows16");
  check.expect(!xc::scalar_kernels().traits(type).prefer_rows16 &&
                   (xc::avx2_kernels() == nullptr || !xc::avx2_kernels()->traits(type).prefer_rows16),
               "scalar and avx2 tables keep " + name + " out of Rows16");
}

}  // namespace xch
