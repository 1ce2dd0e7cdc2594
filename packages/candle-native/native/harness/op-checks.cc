// Checks of the forward pass's building blocks: blockwise attention against a naive softmax, the
// threaded matmul against a plain loop, the thread pool's work split.
#include <atomic>
#include <cstring>
#include <tuple>
#include <cmath>
#include <random>

#include "check.h"
#include "common/fp16.h"
#include "common/thread-pool.h"
#include "gguf-writer.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/matmul.h"

namespace xch {

namespace {

void check_attention(Checker& check, const xc::KernelTable& kernels, bool f16, int hd) {
  std::mt19937 engine(5);
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  const int page_tokens = 16, positions = 75;
  const int pages = (positions + page_tokens - 1) / page_tokens;
  const int64_t element = f16 ? 2 : 4;
  // one page: K rows then V rows for this head
  std::vector<std::vector<uint8_t>> storage(pages, std::vector<uint8_t>(2 * page_tokens * hd * element));
  const int heads = 10;  // more than one group of eight sharing the kv head
  std::vector<float> keys(positions * hd), values(positions * hd), q(heads * hd);
  for (float& v : keys) v = dist(engine);
  for (float& v : values) v = dist(engine);
  for (float& v : q) v = dist(engine);
  for (int t = 0; t < positions; t++) {
    for (int i = 0; i < hd; i++) {
      uint8_t* page = storage[t / page_tokens].data();
      const int64_t k_at = ((t % page_tokens) * hd + i) * element;
      const int64_t v_at = k_at + page_tokens * hd * element;
      if (f16) {
        const uint16_t kh = xc::f32_to_fp16(keys[t * hd + i]), vh = xc::f32_to_fp16(values[t * hd + i]);
        std::memcpy(page + k_at, &kh, 2);
        std::memcpy(page + v_at, &vh, 2);
        keys[t * hd + i] = xc::fp16_to_f32(kh);
        values[t * hd + i] = xc::fp16_to_f32(vh);
      } else {
        std::memcpy(page + k_at, &keys[t * hd + i], 4);
        std::memcpy(page + v_at, &values[t * hd + i], 4);
      }
    }
  }
  std::vector<const uint8_t*> page_pointers;
  for (auto& page : storage) page_pointers.push_back(page.data());
  xc::cpu::KvHeadView view{page_pointers.data(), page_tokens, 0, page_tokens * hd * element, hd, f16};
  double worst = 0, split_worst = 0;
  for (const auto& [first, last, cap] : {std::tuple{0, 74, 0.0f}, std::tuple{0, 0, 0.0f}, std::tuple{9, 40, 0.0f},
                                         std::tuple{0, 74, 5.0f}}) {
    std::vector<float> expected(heads * hd, 0.0f), got(heads * hd);
    for (int h = 0; h < heads; h++) {
      std::vector<double> scores;
      double max = -1e300;
      for (int t = first; t <= last; t++) {
        double s = 0;
        for (int i = 0; i < hd; i++) s += static_cast<double>(q[h * hd + i]) * keys[t * hd + i];
        s *= 0.3;
        if (cap > 0) s = cap * std::tanh(s / cap);
        scores.push_back(s);
        max = std::max(max, s);
      }
      double sum = 0;
      for (double& s : scores) sum += (s = std::exp(s - max));
      for (int i = 0; i < hd; i++) {
        double acc = 0;
        for (int t = first; t <= last; t++) acc += scores[t - first] / sum * values[t * hd + i];
        expected[h * hd + i] = static_cast<float>(acc);
      }
    }
    xc::cpu::attention_heads(kernels, view, q.data(), heads, first, last, 0.3f, cap, got.data());
    worst = std::max(worst, relative_l2(got.data(), expected.data(), got.size()));
    // the same keys split into slices (more slices than keys included: empty ones), merged, for
    // 1, 3, 8 and 10 query heads per kv head
    for (int slices : {1, 2, 3, 7}) {
      for (int group : {1, 3, 8, 10}) {
        const int64_t stride = group * hd + 2 * group;
        std::vector<float> parts(slices * stride), merged(group * hd), whole(group * hd);
        const int keys = last - first + 1;
        for (int sl = 0; sl < slices; sl++) {
          const int from = first + keys * sl / slices, to = first + keys * (sl + 1) / slices - 1;
          float* part = parts.data() + sl * stride;
          if (from > to) std::fill(part + group * hd, part + stride, 0.0f);
          else xc::cpu::attention_slice(kernels, view, q.data(), group, from, to, 0.3f, cap, part, part + group * hd);
        }
        xc::cpu::attention_combine(group, hd, slices, parts.data(), stride, merged.data());
        xc::cpu::attention_heads(kernels, view, q.data(), group, first, last, 0.3f, cap, whole.data());
        split_worst = std::max(split_worst, relative_l2(merged.data(), whole.data(), merged.size()));
      }
    }
  }
  // every query-head count a decode step can take (AVX2 takes them three at a time) = the scalar twin
  double twin_worst = 0;
  for (int group = 1; group <= heads; group++) {
    std::vector<float> fast(group * hd), slow(group * hd);
    xc::cpu::attention_heads(kernels, view, q.data(), group, 0, positions - 1, 0.3f, 0.0f, fast.data());
    xc::cpu::attention_heads(xc::scalar_kernels(), view, q.data(), group, 0, positions - 1, 0.3f, 0.0f, slow.data());
    twin_worst = std::max(twin_worst, relative_l2(fast.data(), slow.data(), fast.size()));
  }
  check.expect(twin_worst < 1e-5, std::string("attention of 1 to 10 heads per kv head = scalar twin, ") + kernels.name +
                                      (f16 ? ", f16 KV" : ", f32 KV") + ", head dim " + std::to_string(hd),
               "rel L2 " + number(twin_worst));
  check.expect(split_worst < 1e-6, std::string("attention split into key slices and merged = unsplit, ") +
                                       kernels.name + (f16 ? ", f16 KV" : ", f32 KV") + ", head dim " + std::to_string(hd),
               "rel L2 " + number(split_worst));
  check.expect(worst < 1e-5, std::string("attention over KV pages (online softmax) = naive softmax, ") + kernels.name +
                                 (f16 ? ", f16 KV" : ", f32 KV") + ", head dim " + std::to_string(hd),
               "rel L2 " + number(worst));

  // sixteen consecutive query tokens of eight heads at once = one token at a time (causal, then a sliding window)
  constexpr int kTokens = 16, kHeads = 8;
  std::vector<float> queries(kTokens * kHeads * hd);
  for (float& v : queries) v = dist(engine);
  double tokens_worst = 0;
  for (int window : {0, 20}) {
    int first[kTokens], last[kTokens];
    for (int i = 0; i < kTokens; i++) {
      last[i] = positions - kTokens + i;
      first[i] = window > 0 ? last[i] - window + 1 : 0;
    }
    std::vector<float> together(queries.size()), alone(queries.size());
    xc::cpu::attention_tokens(kernels, view, queries.data(), kHeads * hd, kTokens, kHeads, first, last, 0.3f, 0.0f,
                              together.data(), kHeads * hd);
    for (int i = 0; i < kTokens; i++) {
      xc::cpu::attention_heads(kernels, view, queries.data() + i * kHeads * hd, kHeads, first[i], last[i], 0.3f, 0.0f,
                               alone.data() + i * kHeads * hd);
    }
    tokens_worst = std::max(tokens_worst, relative_l2(together.data(), alone.data(), together.size()));
  }
  check.expect(tokens_worst < 1e-6, std::string("attention of 16 query tokens together = one at a time, ") + kernels.name +
                                        (f16 ? ", f16 KV" : ", f32 KV") + ", head dim " + std::to_string(hd),
               "rel L2 " + number(tokens_worst));

  // 1 to 20 query tokens (more than a run: the portable loop) of 1, 2, 3 or 8 heads, causal or windowed,
  // with and without a softcap = the scalar twin
  double tokens_twin_worst = 0;
  std::vector<float> many(20 * 8 * hd);
  for (float& v : many) v = dist(engine);
  for (int tokens = 1; tokens <= 20; tokens++) {
    for (int group : {1, 2, 3, 8}) {
      for (const auto& [window, cap] : {std::pair{0, 0.0f}, std::pair{20, 0.0f}, std::pair{0, 5.0f}, std::pair{7, 5.0f}}) {
        int first[20], last[20];
        for (int i = 0; i < tokens; i++) {
          last[i] = positions - tokens + i;
          first[i] = window > 0 ? last[i] - window + 1 : 0;
        }
        const int64_t stride = group * hd;
        std::vector<float> fast(tokens * stride), slow(tokens * stride);
        xc::cpu::attention_tokens(kernels, view, many.data(), stride, tokens, group, first, last, 0.3f, cap,
                                  fast.data(), stride);
        xc::cpu::attention_tokens(xc::scalar_kernels(), view, many.data(), stride, tokens, group, first, last, 0.3f,
                                  cap, slow.data(), stride);
        tokens_twin_worst = std::max(tokens_twin_worst, relative_l2(fast.data(), slow.data(), fast.size()));
      }
    }
  }
  check.expect(tokens_twin_worst < 1e-5, std::string("attention of 1 to 20 query tokens, windows, softcap = scalar twin, ") +
                                             kernels.name + (f16 ? ", f16 KV" : ", f32 KV") + ", head dim " +
                                             std::to_string(hd),
               "rel L2 " + number(tokens_twin_worst));
}

void check_matmul(Checker& check) {
  std::mt19937 engine(9);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const int64_t rows = 70, cols = 256, tokens = 5;
  std::vector<float> w(rows * cols), x(tokens * cols), bias(rows);
  for (float& v : w) v = dist(engine);
  for (float& v : x) v = dist(engine);
  for (float& v : bias) v = dist(engine);
  for (xc::GgmlType type : {xc::GgmlType::F32, xc::GgmlType::Q8_0, xc::GgmlType::Q4_K}) {
    const std::vector<uint8_t> data = encode_tensor(type, w, cols);
    xc::WeightMatrix matrix{type, rows, cols, data.data(), static_cast<int64_t>(data.size() / rows)};
    const xc::WeightMatrix top = matrix.slice_rows(0, 30), bottom = matrix.slice_rows(30, 40);
    const xc::KernelTable& kernels = xc::best_kernels();
    std::vector<float> single(tokens * rows), threaded(tokens * rows);
    std::vector<uint8_t> scratch;
    {
      xc::ThreadPool pool(1);
      const xc::MatmulTarget target{&matrix, single.data(), rows, bias.data()};
      xc::matmul(pool, kernels, x.data(), tokens, &target, 1, scratch);
    }
    xc::ThreadPool pool(3);
    const xc::MatmulTarget targets[2] = {{&top, threaded.data(), rows, bias.data()},
                                         {&bottom, threaded.data() + 30, rows, bias.data() + 30}};
    xc::matmul(pool, kernels, x.data(), tokens, targets, 2, scratch);
    const double error = relative_l2(threaded.data(), single.data(), single.size());
    check.expect(error < 1e-6, std::string("matmul: 3 threads over two row slices = 1 thread, ") + xc::ggml_type_name(type),
                 "rel L2 " + number(error));
  }
}

// Prefill through the 4×4 / 4×2 tiles and the dot fallback (long rows, ragged row and token
// counts, two threads): every output = scalar dot of the quantized row and activation, plus bias.
void check_matmul_wide(Checker& check) {
  std::mt19937 engine(21);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const int64_t rows = 10, cols = 4864, tokens = 11;
  std::vector<float> w(rows * cols), x(tokens * cols), bias(rows);
  for (float& v : w) v = dist(engine);
  for (float& v : x) v = dist(engine);
  for (float& v : bias) v = dist(engine);
  const xc::KernelTable& scalar = xc::scalar_kernels();
  for (xc::GgmlType type : {xc::GgmlType::Q8_0, xc::GgmlType::Q5_0, xc::GgmlType::F16, xc::GgmlType::Q4_K}) {
    const int64_t n = type == xc::GgmlType::Q4_K ? 4608 : cols;  // a multiple of 256 for Q4_K
    std::vector<float> wn(rows * n), xn(tokens * n);
    for (int64_t r = 0; r < rows; r++) std::memcpy(&wn[r * n], &w[r * cols], sizeof(float) * n);
    for (int64_t t = 0; t < tokens; t++) std::memcpy(&xn[t * n], &x[t * cols], sizeof(float) * n);
    const std::vector<uint8_t> data = encode_tensor(type, wn, n);
    const int64_t row_bytes = static_cast<int64_t>(data.size() / rows);
    xc::WeightMatrix matrix{type, rows, n, data.data(), row_bytes};
    const xc::ActivationFormat format = xc::activation_format(type);
    const size_t act_bytes = xc::activation_row_bytes(format, n);
    std::vector<uint8_t> act(tokens * act_bytes);
    for (int64_t t = 0; t < tokens; t++) {
      if (format == xc::ActivationFormat::F32) std::memcpy(&act[t * act_bytes], &xn[t * n], act_bytes);
      else if (format == xc::ActivationFormat::Q8K) scalar.quantize_q8_k(&xn[t * n], &act[t * act_bytes], n);
      else scalar.quantize_q8_0(&xn[t * n], &act[t * act_bytes], n);
    }
    std::vector<float> expected(tokens * rows), got(tokens * rows);
    for (int64_t t = 0; t < tokens; t++) {
      for (int64_t r = 0; r < rows; r++) {
        expected[t * rows + r] = scalar.kernels_for(type).dot(n, data.data() + r * row_bytes, &act[t * act_bytes]) + bias[r];
      }
    }
    xc::ThreadPool pool(2);
    std::vector<uint8_t> scratch;
    const xc::MatmulTarget target{&matrix, got.data(), rows, bias.data()};
    xc::matmul(pool, xc::best_kernels(), xn.data(), tokens, &target, 1, scratch);
    const double error = relative_l2(got.data(), expected.data(), expected.size());
    check.expect(error < 1e-5, std::string("matmul prefill, long ragged rows = scalar dots, ") +
                                   xc::ggml_type_name(type), "rel L2 " + number(error));
  }
}

// A decode product over a head-sized matrix (megabyte bands: the shrinking bands), ragged row count,
// 1 and 3 tokens on 3 threads: every row written, each = the scalar dot plus bias.
void check_matmul_head(Checker& check) {
  std::mt19937 engine(33);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const int64_t rows = 16007, cols = 512, max_tokens = 3;
  std::vector<float> w(rows * cols), x(max_tokens * cols), bias(rows);
  for (float& v : w) v = dist(engine);
  for (float& v : x) v = dist(engine);
  for (float& v : bias) v = dist(engine);
  const std::vector<uint8_t> data = encode_tensor(xc::GgmlType::F16, w, cols);
  const int64_t row_bytes = static_cast<int64_t>(data.size() / rows);
  const xc::WeightMatrix matrix{xc::GgmlType::F16, rows, cols, data.data(), row_bytes};
  const xc::DotFn dot = xc::scalar_kernels().kernels_for(xc::GgmlType::F16).dot;
  xc::ThreadPool pool(3);
  std::vector<uint8_t> scratch;
  for (const int64_t tokens : {int64_t{1}, max_tokens}) {
    std::vector<float> got(tokens * rows, NAN), expected(tokens * rows);
    for (int64_t t = 0; t < tokens; t++) {
      for (int64_t r = 0; r < rows; r++) expected[t * rows + r] = dot(cols, data.data() + r * row_bytes, &x[t * cols]) + bias[r];
    }
    const xc::MatmulTarget target{&matrix, got.data(), rows, bias.data()};
    xc::matmul(pool, xc::best_kernels(), x.data(), tokens, &target, 1, scratch);
    const double error = relative_l2(got.data(), expected.data(), expected.size());
    check.expect(error < 1e-5, "matmul decode over a 16 MB head, " + std::to_string(tokens) + " token(s), 3 threads = scalar dots",
                 "rel L2 " + number(error));
  }
}

void check_thread_pool(Checker& check) {
  // More threads than cores, and many tiny jobs: the OS preempts workers mid-claim, which is
  // where a claim could leak into the next job.
  xc::ThreadPool pool(3);
  std::atomic<int64_t> total{0};
  std::atomic<int> calls{0};
  int64_t expected_total = 0, expected_calls = 0;
  for (int round = 0; round < 20000; round++) {
    const int64_t n = 2 + round % 7, grain = 1 + round % 2;
    pool.parallel_for(n, grain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; i++) total += i + 1;
      calls++;
    });
    expected_total += n * (n + 1) / 2;
    expected_calls += (n + grain - 1) / grain;
  }
  check.expect(total == expected_total && calls == expected_calls,
               "thread pool: 20000 jobs × 3 threads run every chunk exactly once");
}

// The SIMD SiLU-gated product against expf, over the range where e^−x over- and underflows too.
void check_silu(Checker& check) {
  const xc::KernelTable* avx2 = xc::avx2_kernels();
  if (avx2 == nullptr) return;
  std::vector<float> gate, up;
  for (int i = -2000; i <= 2000; i++) {
    gate.push_back(static_cast<float>(i) * 0.05f);  // −100 … 100
    up.push_back(1.0f + static_cast<float>(i % 7) * 0.25f);
  }
  gate.push_back(0.0f), up.push_back(3.0f);  // a ragged tail
  std::vector<float> expected = gate, got = gate;
  xc::scalar_kernels().silu_mul(expected.data(), up.data(), static_cast<int64_t>(gate.size()));
  avx2->silu_mul(got.data(), up.data(), static_cast<int64_t>(gate.size()));
  double error = 0;
  for (size_t i = 0; i < gate.size(); i++) {
    error = std::max(error, std::fabs(static_cast<double>(got[i]) - expected[i]) / (std::fabs(expected[i]) + 1e-30));
  }
  check.expect(error < 1e-6, "AVX2 silu(gate) · up = expf version over [−100, 100]", "relative error " + number(error));

  // the AVX-512 kernel runs the AVX2 one's operations on 16 lanes: the same bits, for every length's tail
  const xc::KernelTable* avx512 = xc::avx512_kernels();
  if (avx512 == nullptr) return;
  bool same = avx512->silu_mul != avx2->silu_mul;
  for (size_t n : {gate.size(), size_t{1}, size_t{8}, size_t{15}, size_t{16}, size_t{17}, size_t{24}, size_t{1536}}) {
    std::vector<float> wide(gate.begin(), gate.begin() + n), narrow = wide;
    avx512->silu_mul(wide.data(), up.data(), static_cast<int64_t>(n));
    avx2->silu_mul(narrow.data(), up.data(), static_cast<int64_t>(n));
    same &= std::memcmp(wide.data(), narrow.data(), n * sizeof(float)) == 0;
  }
  double error512 = 0;
  std::vector<float> wide = gate;
  avx512->silu_mul(wide.data(), up.data(), static_cast<int64_t>(gate.size()));
  for (size_t i = 0; i < gate.size(); i++) {
    error512 = std::max(error512, std::fabs(static_cast<double>(wide[i]) - expected[i]) / (std::fabs(expected[i]) + 1e-30));
  }
  check.expect(same && error512 < 1e-6, "AVX-512 silu(gate) · up = AVX2 bit for bit (1 to 4001 elements) and ≈ expf version",
               "relative error " + number(error512));
}

// rms_norm's chained sums against one plain double sum, widths with and without a ragged tail.
void check_rms_norm(Checker& check) {
  std::mt19937 rng(11);
  std::uniform_real_distribution<float> spread(-3.0f, 3.0f);
  double worst = 0;
  for (int64_t n : {1, 7, 8, 64, 576, 1001}) {
    std::vector<float> x(static_cast<size_t>(n)), weight(static_cast<size_t>(n)), y(static_cast<size_t>(n));
    for (int64_t i = 0; i < n; i++) x[i] = spread(rng), weight[i] = spread(rng);
    xc::cpu::rms_norm(x.data(), weight.data(), y.data(), n, 1e-5f);
    double sum = 0;
    for (int64_t i = 0; i < n; i++) sum += static_cast<double>(x[i]) * x[i];
    const double scale = 1.0 / std::sqrt(sum / static_cast<double>(n) + 1e-5);
    for (int64_t i = 0; i < n; i++) {
      const double want = x[i] * scale * weight[i];
      worst = std::max(worst, std::fabs(y[i] - want) / (std::fabs(want) + 1e-6));
    }
  }
  check.expect(worst < 1e-5, "rms_norm of 1 to 1001 floats = one double sum", "relative error " + number(worst));
}

// Every table's residual add and norm of rows against the scalar table's, byte for byte: widths in
// sixteens (the AVX-512 rows) and not, with and without the add, the add alone, large and tiny values.
void check_add_rms_norm_rows(Checker& check) {
  std::mt19937 rng(12);
  std::uniform_real_distribution<float> spread(-3.0f, 3.0f);
  for (const xc::KernelTable* table : {xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    bool same = true;
    for (int64_t n : {16, 24, 64, 576, 896}) {
      for (int64_t rows : {1, 3, 4}) {
        const auto size = static_cast<size_t>(n * rows);
        std::vector<float> x(size), delta(size), weight(static_cast<size_t>(n));
        for (size_t i = 0; i < size; i++) x[i] = spread(rng) * (i % 7 == 0 ? 1e18f : 1.0f), delta[i] = spread(rng) * 1e-20f;
        for (float& w : weight) w = spread(rng);
        for (int variant = 0; variant < 3; variant++) {
          const float* add = variant == 1 ? nullptr : delta.data();
          const float* scale = variant == 2 ? nullptr : weight.data();
          std::vector<float> x_want = x, x_got = x, y_want(size), y_got(size);
          xc::scalar_kernels().add_rms_norm_rows(x_want.data(), add, scale, y_want.data(), n, rows, 1e-6f);
          table->add_rms_norm_rows(x_got.data(), add, scale, y_got.data(), n, rows, 1e-6f);
          same = same && std::memcmp(x_want.data(), x_got.data(), size * sizeof(float)) == 0 &&
                 std::memcmp(y_want.data(), y_got.data(), size * sizeof(float)) == 0;
        }
      }
    }
    check.expect(same, std::string(table->name) + " add_rms_norm_rows = the scalar table's, byte for byte");
  }
}

// Every table's RoPE rotation against the scalar table's, byte for byte: both styles, whole and partial
// rotations (dims 16, 32, 64 of a 64-wide head, 128 of 128), positions near and far.
void check_rope_rotate(Checker& check) {
  std::mt19937 rng(13);
  std::uniform_real_distribution<float> spread(-4.0f, 4.0f);
  for (const xc::KernelTable* table : {xc::avx2_kernels(), xc::avx512_kernels()}) {
    if (table == nullptr) continue;
    bool same = true;
    for (auto style : {xc::cpu::RopeStyle::Normal, xc::cpu::RopeStyle::Neox}) {
      for (auto [head_dim, dims] : {std::pair{64, 16}, std::pair{64, 32}, std::pair{64, 64}, std::pair{128, 128}}) {
        xc::cpu::RopeParams params;
        params.style = style, params.dims = dims, params.base = 1000000.0f;
        std::vector<float> angles(static_cast<size_t>(dims));
        for (int position : {0, 7, 511, 30000}) {
          xc::cpu::rope_angles(position, params, angles.data());
          std::vector<float> want(static_cast<size_t>(3 * head_dim));
          for (float& v : want) v = spread(rng);
          std::vector<float> got = want;
          xc::scalar_kernels().rope_rotate(want.data(), 3, head_dim, angles.data(), params);
          table->rope_rotate(got.data(), 3, head_dim, angles.data(), params);
          same = same && std::memcmp(want.data(), got.data(), want.size() * sizeof(float)) == 0;
        }
      }
    }
    check.expect(same, std::string(table->name) + " rope_rotate = the scalar table's, byte for byte (both styles)");
  }
}

}  // namespace

void run_op_checks(Checker& check) {
  check_silu(check);
  check_rms_norm(check);
  check_add_rms_norm_rows(check);
  check_rope_rotate(check);
  for (bool f16 : {true, false}) {
    for (int hd : {32, 64, 128}) {  // 64 and 128 take the AVX2 and AVX-512 attention kernels
      check_attention(check, xc::scalar_kernels(), f16, hd);
      if (xc::avx2_kernels() != nullptr) check_attention(check, *xc::avx2_kernels(), f16, hd);
      if (xc::avx512_kernels() != nullptr) check_attention(check, *xc::avx512_kernels(), f16, hd);
    }
  }
  run_attention_checks(check);
  check_matmul(check);
  check_matmul_wide(check);
  check_matmul_head(check);
  check_thread_pool(check);
}

}  // namespace xch
