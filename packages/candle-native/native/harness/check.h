#pragma once

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "xcandle.h"

namespace xch {

// Counts checks and prints one line per failure (and per pass with --verbose).
class Checker {
 public:
  bool verbose = false;
  int passed = 0;
  int failed = 0;
  int skipped = 0;  // checks that could not run here (e.g. no CUDA device), never counted as passed

  bool expect(bool condition, const std::string& name, const std::string& detail = "") {
    if (condition) {
      passed++;
      if (verbose) std::printf("  ok   %s%s%s\n", name.c_str(), detail.empty() ? "" : ": ", detail.c_str());
    } else {
      failed++;
      std::printf("  FAIL %s%s%s\n", name.c_str(), detail.empty() ? "" : ": ", detail.c_str());
    }
    std::fflush(stdout);
    return condition;
  }
  void skip(int count, const std::string& why) {
    skipped += count;
    std::printf("  skipped (%s): %d\n", why.c_str(), count);
    std::fflush(stdout);
  }
  // Consumes `error`: passes when its code is `expected` (XC_OK: no error).
  bool expect_code(xc_error* error, xc_code expected, const std::string& name) {
    const xc_code code = xc_error_code(error);
    const std::string detail = "expected code " + std::to_string(expected) + ", got " + std::to_string(code) +
                               (error != nullptr ? std::string(" (") + xc_error_message(error) + ")" : "");
    xc_error_free(error);
    return expect(code == expected, name, detail);
  }
};

// ‖a − b‖ / ‖b‖.
inline double relative_l2(const float* a, const float* b, size_t n) {
  double diff = 0, norm = 0;
  for (size_t i = 0; i < n; i++) {
    diff += (static_cast<double>(a[i]) - b[i]) * (static_cast<double>(a[i]) - b[i]);
    norm += static_cast<double>(b[i]) * b[i];
  }
  return norm > 0 ? std::sqrt(diff / norm) : std::sqrt(diff);
}

inline std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.3g", value);
  return text;
}

void run_kernel_checks(Checker& check);
void run_interleaved_checks(Checker& check);
void run_rows16_checks(Checker& check, const std::string& temp_dir);  // rows16-checks.cc
void run_rows16_q4k_checks(Checker& check, const std::string& temp_dir);  // rows16-q4k-checks.cc
void run_rows16_q6k_checks(Checker& check, const std::string& temp_dir);  // rows16-q6k-checks.cc
void run_kquant_tile_checks(Checker& check);
void run_op_checks(Checker& check);
void run_kv_page_pool_checks(Checker& check);
void run_logits_rows_checks(Checker& check);  // logits-rows-checks.cc
void run_weight_copy_checks(Checker& check, const std::string& temp_dir);
void run_attention_checks(Checker& check);  // attention-checks.cc
void run_model_checks(Checker& check, const std::string& gguf_path, const std::string& temp_dir);
void run_robustness_checks(Checker& check, const std::string& gguf_path, const std::string& temp_dir);
// `device: 'cuda'` answers with the typed error its build and machine call for (device-probe-checks.cc).
void run_device_probe_checks(Checker& check, const std::string& gguf_path);
// Each CUDA kernel against its CPU twin; skipped, with the count, without a usable CUDA device
// (gpu-checks.cc). With `markdown` set, also writes the results there as a table.
void run_gpu_checks(Checker& check, const std::string& markdown = "");
// The GEMV and decode-attention kernels against the card's copy bandwidth (gpu-bench.cc); 3 without a usable CUDA device.
int run_gpu_bench(int argc, char** argv);
int run_bench(int argc, char** argv);
// xcandle-harness matmul-bench: the layer matmuls of a model shape, timed in CPU time.
int run_matmul_bench(int argc, char** argv);
int run_attention_bench(int argc, char** argv);
int run_attention_digest(int argc, char** argv);
// Prints the architecture table as JSON (arch-table-json.cc).
int run_arch_table();

}  // namespace xch
