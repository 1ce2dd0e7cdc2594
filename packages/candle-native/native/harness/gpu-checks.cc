// GPU checks: each CUDA kernel against its CPU twin on fresh random inputs (the seed is printed;
// XC_GPU_SEED=N reuses one), outputs poisoned with NaN before each run, tolerances per kernel and dtype
// in one table. Without a usable CUDA device every case is counted as skipped, with the reason, never
// as passed.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "check.h"
#include "common/error.h"
#include "gpu-twins.h"
#if XC_HAS_CUDA
#include "kernels/cuda/cuda-probe.h"
#endif

namespace xch {

namespace {

// Largest ‖gpu − cpu‖ / ‖cpu‖ accepted. Embedding is an exact conversion (and one multiply, rounded as
// the CPU rounds it); the float kernels differ from the CPU only in summation order, in fp32.
struct Tolerance {
  const char* kernel;
  const char* dtype;
  double max_relative_l2;
};
constexpr Tolerance kTolerances[] = {
    {"embedding", "F32", 0.0},
    {"embedding", "F16", 0.0},
    {"embedding", "BF16", 0.0},
    {"embedding", "Q8_0", 0.0},
    {"rms_norm_residual", "F32", 1e-5},
    {"glu", "SiLU", 1e-5},
    {"glu", "GELU-tanh", 1e-5},
    {"gemv", "F32", 1e-5},
    {"gemv", "F16", 1e-5},
    {"gemv", "BF16", 1e-5},
    // q in fp32; k and v rounded to f16 by both sides, so only an input a float ulp from an f16
    // midpoint can round the other way
    {"rope_kv_write", "F16 KV", 1e-4},
    {"decode_attention", "F16 KV", 1e-5},
    // the same arithmetic as the CPU quantiser: every byte equal (the value is the share of blocks differing)
    {"quantize_q8_0", "F32", 0.0},
    {"quantize_q8_k", "F32", 0.0},
    // exact integer sums; the two scales applied per lane (4 or 8 quants) instead of per block
    {"gemv_quant", "Q8_0", 1e-5},
    {"gemv_quant", "Q4_0", 1e-5},
    {"gemv_quant", "Q4_K", 1e-5},
    {"gemv_quant", "Q6_K", 1e-5},
    // exact: the share of rows whose token differs
    {"argmax", "F32", 0.0},
};

double tolerance(const std::string& kernel, const std::string& dtype) {
  for (const Tolerance& t : kTolerances) {
    if (kernel == t.kernel && dtype == t.dtype) return t.max_relative_l2;
  }
  xc::fail(XC_ERR_INTERNAL, "no tolerance for " + kernel + " " + dtype);
}

struct Case {
  std::string kernel;
  std::string dtype;
  std::string shape;
  std::function<TwinResult(std::mt19937&)> run;
};

std::vector<Case> cases() {
  std::vector<Case> list;
  for (const char* dtype : {"F32", "F16", "BF16", "Q8_0"}) {
    list.push_back({"embedding", dtype, "vocab 300 × 1056, 7 ids, scale √1056", [dtype](std::mt19937& rng) {
                      return embedding_twin(rng, dtype, 300, 1056, 7, std::sqrt(1056.0f));
                    }});
  }
  list.push_back({"embedding", "F32", "vocab 50 × 96, 3 ids, scale 1", [](std::mt19937& rng) {
                    return embedding_twin(rng, "F32", 50, 96, 3, 1.0f);
                  }});
  list.push_back({"embedding", "F32", "ids -1 and vocab give NaN rows", [](std::mt19937& rng) {
                    return embedding_out_of_range_twin(rng, 40, 64);
                  }});
  for (const auto& [dim, rows, residual] : {std::tuple{896, 5, true}, std::tuple{1001, 3, true}, std::tuple{4096, 2, false}}) {
    const std::string shape = std::to_string(rows) + " × " + std::to_string(dim) + (residual ? " + residual" : ", no residual");
    list.push_back({"rms_norm_residual", "F32", shape, [dim = dim, rows = rows, residual = residual](std::mt19937& rng) {
                      return rms_norm_residual_twin(rng, dim, rows, residual);
                    }});
  }
  for (const bool gelu : {false, true}) {
    list.push_back({"glu", gelu ? "GELU-tanh" : "SiLU", "3 × 4864 fused gate | up rows",
                    [gelu](std::mt19937& rng) { return glu_twin(rng, gelu, 4864, 3); }});
  }
  struct GemvShape {
    int rows, n, tokens;
    bool bias, accumulate;
  };
  for (const char* dtype : {"F32", "F16", "BF16"}) {
    for (const GemvShape& s : {GemvShape{200, 896, 1, true, false}, GemvShape{67, 250, 3, false, true},
                               GemvShape{130, 4096, 6, true, true}}) {
      const std::string shape = std::to_string(s.rows) + " × " + std::to_string(s.n) + ", " + std::to_string(s.tokens) +
                                " tokens" + (s.bias ? ", bias" : "") + (s.accumulate ? ", accumulate" : "") +
                                (s.n % 8 == 0 ? "" : " (unaligned rows: scalar loads)");
      list.push_back({"gemv", dtype, shape, [dtype, s](std::mt19937& rng) {
                        return gemv_twin(rng, dtype, s.rows, s.n, s.tokens, s.bias, s.accumulate);
                      }});
    }
  }
  for (const RopeKvCase& r : {RopeKvCase{14, 2, 64, 64, true, true, false, 5, 3, 40, false},
                              RopeKvCase{8, 4, 128, 128, false, false, false, 3, 2, 20, true},
                              RopeKvCase{16, 8, 128, 128, true, false, true, 4, 2, 30, false},
                              RopeKvCase{4, 4, 96, 32, true, true, false, 2, 2, 10, false},
                              RopeKvCase{8, 4, 256, 256, true, false, true, 2, 1, 10, true}}) {
    const std::string shape = std::to_string(r.heads) + "/" + std::to_string(r.kv_heads) + " heads × " +
                              std::to_string(r.head_dim) + ", rope " + std::to_string(r.rope_dims) +
                              (r.neox ? " NEOX" : " normal") + (r.bias ? ", bias" : "") + (r.qk_norm ? ", q/k norm" : "") +
                              ", " + std::to_string(r.tokens) + " tokens" + (r.invalid_last ? ", one out of range" : "");
    list.push_back({"rope_kv_write", "F16 KV", shape, [r](std::mt19937& rng) { return rope_kv_twin(rng, r); }});
  }
  for (const AttentionCase& a : {AttentionCase{14, 2, 64, 3, 300, 4, 0.0f, 0}, AttentionCase{32, 8, 128, 2, 1000, 8, 0.0f, 0},
                                 AttentionCase{8, 4, 256, 3, 200, 3, 50.0f, 64}, AttentionCase{24, 2, 96, 2, 100, 1, 0.0f, 0},
                                 AttentionCase{4, 1, 64, 2, 5, 16, 0.0f, 0}}) {
    const std::string shape = std::to_string(a.heads) + "/" + std::to_string(a.kv_heads) + " heads × " +
                              std::to_string(a.head_dim) + ", " + std::to_string(a.tokens) + " sequences ≤ " +
                              std::to_string(a.positions) + " keys, " + std::to_string(a.splits) + " splits" +
                              (a.softcap > 0 ? ", soft-cap " + number(a.softcap) : "") +
                              (a.window > 0 ? ", window " + std::to_string(a.window) : "");
    list.push_back({"decode_attention", "F16 KV", shape, [a](std::mt19937& rng) { return decode_attention_twin(rng, a); }});
  }
  for (const auto& [n, rows] : {std::pair{896, 3}, std::pair{4864, 1}}) {
    list.push_back({"quantize_q8_0", "F32", std::to_string(rows) + " × " + std::to_string(n) + ", a zero block, ties",
                    [n = n, rows = rows](std::mt19937& rng) { return quantize_twin(rng, false, n, rows); }});
  }
  list.push_back({"quantize_q8_k", "F32", "3 × 1536, a zero block, ties",
                  [](std::mt19937& rng) { return quantize_twin(rng, true, 1536, 3); }});
  for (const char* dtype : {"Q8_0", "Q4_0", "Q4_K", "Q6_K"}) {
    const bool k_quant = dtype[2] == 'K';
    for (const GemvShape& s : {GemvShape{200, k_quant ? 1024 : 896, 1, true, false}, GemvShape{67, 256, 3, false, true},
                               GemvShape{130, k_quant ? 4096 : 4864, 6, true, true}}) {
      const std::string shape = std::to_string(s.rows) + " × " + std::to_string(s.n) + ", " + std::to_string(s.tokens) +
                                " tokens" + (s.bias ? ", bias" : "") + (s.accumulate ? ", accumulate" : "");
      list.push_back({"gemv_quant", dtype, shape, [dtype, s](std::mt19937& rng) {
                        return gemv_quant_twin(rng, dtype, s.rows, s.n, s.tokens, s.bias, s.accumulate);
                      }});
    }
  }
  for (const auto& [rows, vocab] : {std::pair{7, 151936}, std::pair{14, 1000}, std::pair{3, 8193}}) {
    list.push_back({"argmax", "F32", std::to_string(rows) + " rows × " + std::to_string(vocab) + ": ties, NaN, all-NaN, −inf rows",
                    [rows = rows, vocab = vocab](std::mt19937& rng) { return argmax_twin(rng, rows, vocab); }});
  }
  return list;
}

// Empty when a CUDA device can run this build's kernels; else why not.
std::string unavailable() {
#if XC_HAS_CUDA
  try {
    const xc::cuda::CudaDeviceFacts facts = xc::cuda::probe_cuda_device(0);
    std::printf("  cuda:0 %s, compute capability %d.%d, %.1f GiB, driver CUDA %d.%d\n", facts.name.c_str(), facts.major,
                facts.minor, static_cast<double>(facts.memory_bytes) / (1 << 30), facts.driver_version / 1000,
                facts.driver_version % 1000 / 10);
    return "";
  } catch (const xc::Error& error) {
    if (error.code() != XC_ERR_NO_DEVICE) throw;
    return error.what();
  }
#else
  return "built without CUDA";
#endif
}

void write_markdown(const std::string& path, const std::vector<std::string>& rows, const std::string& header_note) {
  FILE* file = std::fopen(path.c_str(), "w");
  if (file == nullptr) xc::fail(XC_ERR_IO, "cannot write " + path);
  std::fprintf(file, "%s\n", header_note.c_str());
  if (!rows.empty()) {
    std::fprintf(file, "\n| kernel | dtype | shape | ‖gpu − cpu‖ / ‖cpu‖ | tolerance | result |\n");
    std::fprintf(file, "| --- | --- | --- | --- | --- | --- |\n");
    for (const std::string& row : rows) std::fprintf(file, "%s\n", row.c_str());
  }
  std::fclose(file);
}

}  // namespace

void run_gpu_checks(Checker& check, const std::string& markdown) {
  const std::vector<Case> list = cases();
  const std::string why = unavailable();
  if (!why.empty()) {
    std::printf("  %s\n", why.c_str());
    check.skip(static_cast<int>(list.size()),
               why.find("built without CUDA") != std::string::npos ? "built without CUDA" : "no CUDA device");
    if (!markdown.empty()) write_markdown(markdown, {}, "GPU checks skipped: " + why);
    return;
  }
  // XC_GPU_SEED=N replays a run's inputs (the seed is printed and written to the table)
  const char* seed_text = std::getenv("XC_GPU_SEED");
  const unsigned seed = seed_text != nullptr && *seed_text != '\0' ? static_cast<unsigned>(std::strtoul(seed_text, nullptr, 10))
                                                                  : std::random_device{}();
  std::printf("  gpu checks: seed %u, %zu cases\n", seed, list.size());
  std::mt19937 rng(seed);
  std::vector<std::string> rows;
  for (const Case& c : list) {
    const std::string name = "cuda " + c.kernel + " " + c.dtype + " (" + c.shape + ") vs the CPU";
    const double limit = tolerance(c.kernel, c.dtype);
    TwinResult result;
    try {
      result = c.run(rng);
    } catch (const xc::Error& error) {
      result.problem = error.what();
    }
    const bool ok = result.problem.empty() && result.relative_l2 <= limit;
    const std::string detail = result.problem.empty()
                                   ? "relative L2 " + number(result.relative_l2) + " (≤ " + number(limit) + ")"
                                   : result.problem;
    check.expect(ok, name, detail);
    rows.push_back("| " + c.kernel + " | " + c.dtype + " | " + c.shape + " | " +
                   (result.problem.empty() ? number(result.relative_l2) : result.problem) + " | " + number(limit) +
                   " | " + (ok ? "pass" : "**FAIL**") + " |");
  }
  if (!markdown.empty()) write_markdown(markdown, rows, "GPU kernel checks against the CPU twins, seed " + std::to_string(seed));
}

}  // namespace xch
