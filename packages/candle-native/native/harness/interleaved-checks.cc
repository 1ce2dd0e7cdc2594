// The interleaved weight layouts (interleave.h): re-laid rows against the ggml rows they came from, through
// the scalar interleaved dots and every SIMD table's interleaved dots and 4×4 tiles, with ragged tails and at the
// integer extremes.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <random>

#include "check.h"
#include "common/error.h"
#include "gguf-writer.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave.h"
#include "kernels/cpu/kernel-table.h"
#include "kernels/cpu/matmul.h"
#include "models/weight-arena.h"

namespace xch {

using xc::GgmlType;

namespace {

struct X8Case {
  std::vector<uint8_t> ggml;  // four rows as in a GGUF file
  std::vector<uint8_t> x8;    // the same rows re-laid
  std::vector<uint8_t> act;   // four activation rows in the ggml weights' format
  std::vector<uint8_t> act_x8;
  int64_t row_bytes = 0;
  size_t act_bytes = 0, act_x8_bytes = 0;
};

X8Case make_case(GgmlType type, int64_t n, const std::vector<float>& w, const std::vector<float>& x) {
  const xc::KernelTable& scalar = xc::scalar_kernels();
  X8Case c;
  c.ggml = encode_tensor(type, w, n);
  c.row_bytes = static_cast<int64_t>(c.ggml.size() / 4);
  c.x8.resize(c.ggml.size());
  xc::interleave_rows(type, c.ggml.data(), c.x8.data(), 4, n);
  const xc::ActivationFormat format = xc::activation_format(type);
  const xc::ActivationFormat format_x8 = xc::activation_format(type, xc::WeightLayout::Interleaved);
  c.act_bytes = xc::activation_row_bytes(format, n);
  c.act_x8_bytes = xc::activation_row_bytes(format_x8, n);
  c.act.resize(4 * c.act_bytes);
  c.act_x8.resize(4 * c.act_x8_bytes);
  for (int t = 0; t < 4; t++) {
    xc::quantize_activations(scalar, format, x.data() + t * n, c.act.data() + t * c.act_bytes, n);
    xc::quantize_activations(scalar, format_x8, x.data() + t * n, c.act_x8.data() + t * c.act_x8_bytes, n);
  }
  return c;
}

enum class Path { Dot, Tile4x4, Tile4x2 };

// Largest relative difference between `table`'s interleaved dots / 4×4 tile / two 4×2 tiles and the
// scalar ggml row dots.
double x8_error(const xc::KernelTable& table, GgmlType type, int64_t n, const X8Case& c, Path path) {
  const xc::DotFn ggml_dot = xc::scalar_kernels().kernels_for(type).dot;
  const bool tile = path != Path::Dot;
  float tiled[4 * 5];
  if (path == Path::Tile4x4) {
    table.kernels_for(type, xc::WeightLayout::Interleaved).tile_4x4(n, c.x8.data(), c.row_bytes, c.act_x8.data(),
                                                 static_cast<int64_t>(c.act_x8_bytes), tiled, 5);
  }
  if (path == Path::Tile4x2) {
    const xc::TileFn tile2 = table.kernels_for(type, xc::WeightLayout::Interleaved).tile_4x2;
    for (int t = 0; t < 4; t += 2) {
      tile2(n, c.x8.data(), c.row_bytes, c.act_x8.data() + t * c.act_x8_bytes, static_cast<int64_t>(c.act_x8_bytes),
            tiled + t * 5, 5);
    }
  }
  double error = 0;
  for (int r = 0; r < 4; r++) {
    for (int t = 0; t < 4; t++) {
      const float expected = ggml_dot(n, c.ggml.data() + r * c.row_bytes, c.act.data() + t * c.act_bytes);
      const float got = tile ? tiled[t * 5 + r]
                             : table.kernels_for(type, xc::WeightLayout::Interleaved).dot(n, c.x8.data() + r * c.row_bytes,
                                                                          c.act_x8.data() + t * c.act_x8_bytes);
      error = std::max(error, static_cast<double>(std::fabs(expected - got)) / (std::fabs(expected) + 1e-3));
    }
  }
  return error;
}

void check_x8_against_ggml(Checker& check, const std::string& label, GgmlType type, int64_t n, const std::vector<float>& w,
                           const std::vector<float>& x, double tolerance) {
  const X8Case c = make_case(type, n, w, x);
  const std::string name = std::string(xc::ggml_type_name(type)) + " interleaved, " + std::to_string(n) + " columns" + label;
  std::vector<uint8_t> back(c.x8.size());
  xc::deinterleave_rows(type, c.x8.data(), back.data(), 4, n);
  check.expect(back == c.ggml, name + ": back from interleaved to the same bytes");
  if (label.empty() && n >= 256) check.expect(c.x8 != c.ggml, name + ": the layout moves bytes");
  const double scalar_error = x8_error(xc::scalar_kernels(), type, n, c, Path::Dot);
  check.expect(scalar_error < tolerance, "scalar " + name + ": dot = ggml dot", "relative error " + number(scalar_error));
  for (const xc::KernelTable* table : {xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    const double dot_error = x8_error(*table, type, n, c, Path::Dot);
    check.expect(dot_error < tolerance, std::string(table->name) + " " + name + ": dot = ggml dot",
                 "relative error " + number(dot_error));
    if (table->kernels_for(type, xc::WeightLayout::Interleaved).tile_4x2 != nullptr) {
      const double tile_error = x8_error(*table, type, n, c, Path::Tile4x2);
      check.expect(tile_error < tolerance, std::string(table->name) + " " + name + ": 4×2 tiles = ggml dots",
                   "relative error " + number(tile_error));
    }
    if (table->kernels_for(type, xc::WeightLayout::Interleaved).tile_4x4 == nullptr) continue;
    const double tile_error = x8_error(*table, type, n, c, Path::Tile4x4);
    check.expect(tile_error < tolerance, std::string(table->name) + " " + name + ": 4×4 tile = ggml dots",
                 "relative error " + number(tile_error));
  }
}

// The word-wise re-lay against its byte-wise twin on arbitrary bytes (every bit pattern, ragged tails,
// rows laid end to end), and back.
void check_relay_matches_reference(Checker& check, std::mt19937& engine, GgmlType type, int64_t cols) {
  const xc::GgmlTypeTraits traits = xc::ggml_type_traits(static_cast<uint32_t>(type));
  constexpr int64_t kRows = 5;
  const size_t bytes = static_cast<size_t>(kRows * (cols / traits.block_elements) * traits.block_bytes);
  std::uniform_int_distribution<int> byte(0, 255);
  std::vector<uint8_t> ggml(bytes), fast(bytes), reference(bytes), back(bytes);
  for (uint8_t& b : ggml) b = static_cast<uint8_t>(byte(engine));
  xc::interleave_rows(type, ggml.data(), fast.data(), kRows, cols);
  xc::interleave_rows_reference(type, ggml.data(), reference.data(), kRows, cols);
  xc::deinterleave_rows(type, fast.data(), back.data(), kRows, cols);
  const std::string name = std::string(xc::ggml_type_name(type)) + " re-lay, " + std::to_string(cols) + " columns";
  check.expect(fast == reference, name + ": word-wise = byte-wise on random bytes");
  check.expect(back == ggml, name + ": random bytes back from interleaved");
}

// The arena the re-laid matrices live in: aligned, distinct, writable pieces up to its capacity, then a typed error.
void check_weight_arena(Checker& check) {
  xc::WeightArena arena(3 << 20);
  uint8_t* a = arena.allocate(1000);
  uint8_t* b = arena.allocate(2 << 20);
  std::memset(a, 1, 1000);
  std::memset(b, 2, 2 << 20);
  check.expect(reinterpret_cast<uintptr_t>(a) % 64 == 0 && reinterpret_cast<uintptr_t>(b) % 64 == 0 && b >= a + 1000 &&
                   a[999] == 1 && b[0] == 2,
               "weight arena: 64-byte aligned, disjoint pieces");
  xc::WeightArena moved = std::move(arena);
  xc_code code = XC_OK;
  try {
    moved.allocate(size_t{64} << 20);
  } catch (const xc::Error& error) {
    code = error.code();
  }
  check.expect(code == XC_ERR_OUT_OF_MEMORY, "weight arena: a piece past the capacity fails with out of memory");
}

// xc::matmul over interleaved rows (every tile shape the table has, the leftover tokens and rows
// after the tiles, one and two threads) against the scalar ggml dot of each row and token, on
// activations quantized by the same table.
void check_matmul_against_ggml(Checker& check, const xc::KernelTable& table, GgmlType type, int64_t n,
                               std::mt19937& engine) {
  constexpr int64_t kRows = 14;  // three 4-row tiles and two rows after them
  constexpr int64_t kMaxTokens = 17;
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  std::vector<float> w(static_cast<size_t>(kRows * n)), x(static_cast<size_t>(kMaxTokens * n));
  for (float& v : w) v = spread(engine);
  for (float& v : x) v = spread(engine);
  const std::vector<uint8_t> ggml = encode_tensor(type, w, n);
  const int64_t row_bytes = static_cast<int64_t>(ggml.size()) / kRows;
  std::vector<uint8_t> x8(ggml.size());
  xc::interleave_rows(type, ggml.data(), x8.data(), kRows, n);
  const xc::ActivationFormat format = xc::activation_format(type);
  const size_t act_bytes = xc::activation_row_bytes(format, n);
  std::vector<uint8_t> act(kMaxTokens * act_bytes);
  for (int64_t t = 0; t < kMaxTokens; t++) xc::quantize_activations(table, format, x.data() + t * n, act.data() + t * act_bytes, n);
  const xc::DotFn ggml_dot = xc::scalar_kernels().kernels_for(type).dot;
  const xc::WeightMatrix matrix{type, kRows, n, x8.data(), row_bytes, xc::WeightLayout::Interleaved};
  std::vector<uint8_t> scratch;
  for (int threads : {1, 2}) {
    xc::ThreadPool pool(threads);
    // Differences relative to the largest dot of the call: a dot that cancels to near zero keeps
    // the rounding of its large terms, so its own size is no yardstick.
    double error = 0;
    int64_t worst_tokens = 0;
    for (int64_t tokens = 1; tokens <= kMaxTokens; tokens++) {
      std::vector<float> out(static_cast<size_t>(tokens * kRows));
      const xc::MatmulTarget target{&matrix, out.data(), kRows, nullptr};
      xc::matmul(pool, table, x.data(), tokens, &target, 1, scratch);
      double largest = 1e-3, worst = 0;
      for (int64_t t = 0; t < tokens; t++) {
        for (int64_t r = 0; r < kRows; r++) {
          const float expected = ggml_dot(n, ggml.data() + r * row_bytes, act.data() + t * act_bytes);
          largest = std::max(largest, static_cast<double>(std::fabs(expected)));
          worst = std::max(worst, static_cast<double>(std::fabs(expected - out[static_cast<size_t>(t * kRows + r)])));
        }
      }
      if (worst / largest > error) error = worst / largest, worst_tokens = tokens;
    }
    check.expect(error < 1e-5,
                 std::string(table.name) + " " + xc::ggml_type_name(type) + " interleaved matmul, " + std::to_string(n) +
                     " columns, 1.." + std::to_string(kMaxTokens) + " tokens, " + std::to_string(threads) + " threads = ggml dots",
                 "relative error " + number(error) + " at " + std::to_string(worst_tokens) + " tokens");
  }
}

}  // namespace

void run_interleaved_checks(Checker& check) {
  std::mt19937 engine(23);
  check_weight_arena(check);
  for (GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0}) {
    for (int64_t cols : {32, 256, 576, 1536, 2080}) check_relay_matches_reference(check, engine, type, cols);
  }
  for (GgmlType type : {GgmlType::Q4_K, GgmlType::Q6_K}) {
    for (int64_t cols : {256, 768, 2048}) check_relay_matches_reference(check, engine, type, cols);
  }
  std::uniform_real_distribution<float> spread(-1.0f, 1.0f);
  auto random = [&](size_t count) {
    std::vector<float> values(count);
    for (float& v : values) v = spread(engine);
    return values;
  };
  for (GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0, GgmlType::Q4_K, GgmlType::Q6_K}) {
    const bool k_quant = type == GgmlType::Q4_K || type == GgmlType::Q6_K;
    const std::vector<int64_t> widths = k_quant ? std::vector<int64_t>{256, 768} : std::vector<int64_t>{256, 576, 896, 96};
    for (int64_t n : widths) check_x8_against_ggml(check, "", type, n, random(4 * n), random(4 * n), 1e-4);
    // Integer extremes: weights at ±max (every quant at its end of the range), activations at ±127.
    const int64_t n = 512;
    std::vector<float> w(4 * n), x(4 * n);
    for (int64_t i = 0; i < 4 * n; i++) {
      w[i] = (i / n) % 2 == 0 ? 1.0f : -1.0f;
      x[i] = (i / n) < 2 ? 1.0f : -1.0f;
    }
    check_x8_against_ggml(check, " at the integer extremes", type, n, w, x, 1e-6);
  }
  for (const xc::KernelTable* table : {xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    for (GgmlType type : {GgmlType::Q8_0, GgmlType::Q4_0, GgmlType::Q5_0}) {
      for (int64_t n : {96, 576, 896, 1536, 4864}) check_matmul_against_ggml(check, *table, type, n, engine);
    }
    for (GgmlType type : {GgmlType::Q4_K, GgmlType::Q6_K}) check_matmul_against_ggml(check, *table, type, 1536, engine);
  }
}

}  // namespace xch
