#pragma once

#include <cstdlib>
#include <stdexcept>
#include <string>
#include <vector>

#include "xcandle.h"

namespace xch {

inline void ok(xc_error* error, const char* what) {
  if (error == nullptr) return;
  const std::string message = std::string(what) + ": " + xc_error_message(error);
  xc_error_free(error);
  throw std::runtime_error(message);
}

// A model + context pair for tests and benchmarks; throws on any engine error.
class Session {
 public:
  Session(const std::string& path, xc_context_options options, xc_model_options model_options = {}) {
    ok(xc_model_load(path.c_str(), &model_options, &model_), "load");
    xc_error* error = xc_context_create(model_, &options, &context_);
    if (error != nullptr) xc_model_free(model_);
    ok(error, "context");
    ok(xc_model_get_info(model_, &info_), "info");
  }
  ~Session() {
    xc_context_free(context_);
    xc_model_free(model_);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  xc_context* context() { return context_; }
  const xc_model_info& info() const { return info_; }
  int vocab() const { return info_.vocab_size; }

  int create() {
    int32_t sequence = -1;
    ok(xc_sequence_create(context_, &sequence), "sequence");
    return sequence;
  }
  int length(int sequence) {
    int32_t n = -1;
    ok(xc_sequence_length(context_, sequence, &n), "length");
    return n;
  }
  // Appends tokens; returns logits (rows × vocab).
  std::vector<float> forward(int sequence, const std::vector<int32_t>& tokens, bool all = false) {
    std::vector<float> logits(static_cast<size_t>(all ? tokens.size() : 1) * vocab());
    xc_batch_item item{sequence, tokens.data(), static_cast<int32_t>(tokens.size()), all ? 1 : 0};
    ok(xc_forward(context_, &item, 1, logits.data(), nullptr), "forward");
    return logits;
  }

 private:
  xc_model* model_ = nullptr;
  xc_context* context_ = nullptr;
  xc_model_info info_{};
};

inline int argmax(const float* logits, int n) {
  int best = 0;
  for (int i = 1; i < n; i++) {
    if (logits[i] > logits[best]) best = i;
  }
  return best;
}

// Model options naming one kernel table (nullptr: the default one).
inline xc_model_options kernels(const char* table) {
  xc_model_options options{};
  options.kernels = table;
  return options;
}

inline xc_context_options options(int context_length = 256, xc_kv_type kv = XC_KV_F32, int threads = 2) {
  return xc_context_options{context_length, 8, threads, kv};
}

}  // namespace xch
