#include "engine/context.h"

#include <algorithm>
#include <cstring>
#include <map>

#include "common/error.h"
#include "kernels/cpu/argmax-row.h"
#include "kernels/cpu/cpu-features.h"

namespace xc {

namespace {

// Tokens per pass through the layers: bounds scratch memory while keeping weight reuse high.
constexpr int kChunkTokens = 256;

// forward_argmax's logits buffer is first mapped with room for a row per sequence, up to this many.
constexpr int kArgmaxRowsAhead = 32;

int option(int value, int fallback, int max, const char* what) {
  if (value == 0) return fallback;
  if (value < 0 || value > max) {
    fail(XC_ERR_INVALID_ARGUMENT, std::string(what) + " must be between 1 and " + std::to_string(max) + ", got " +
                                      std::to_string(value));
  }
  return value;
}

KvCache make_cache(const Model& model, const xc_context_options& options) {
  const ModelConfig& c = model.config();
  // Read as an integer: a caller (JS) may pass any value, and loading an invalid enum is UB.
  int32_t kv_type = 0;
  static_assert(sizeof(options.kv_type) == sizeof(kv_type), "xc_kv_type is an int");
  std::memcpy(&kv_type, &options.kv_type, sizeof(kv_type));
  if (kv_type != XC_KV_F16 && kv_type != XC_KV_F32) {
    fail(XC_ERR_INVALID_ARGUMENT, "unknown kv_type " + std::to_string(kv_type));
  }
  return KvCache(c.layer_count, c.head_count_kv, c.head_dim, kv_type == XC_KV_F16,
                 option(options.max_sequences, 16, 4096, "max_sequences"),
                 option(options.context_length, c.trained_context_length, 1 << 22, "context_length"));
}

}  // namespace

Context::Context(std::shared_ptr<const Model> model, const xc_context_options& options)
    : model_(std::move(model)),
      kv_(make_cache(*model_, options)),
      pool_(option(options.threads, physical_core_count(), 256, "threads")),
      kernels_(&model_->kernels()),
      argmax_logits_(static_cast<size_t>(model_->vocab_size()),
                     static_cast<size_t>(std::min(kv_.max_sequences(), kArgmaxRowsAhead))) {}

void Context::forward(const xc_batch_item* items, int item_count, float* logits, const volatile int32_t* abort_flag) {
  const int rows = plan(items, item_count);
  if (rows > 0 && logits == nullptr) fail(XC_ERR_INVALID_ARGUMENT, "logits buffer is null");
  execute(logits, abort_flag);
}

void Context::forward_argmax(const xc_batch_item* items, int item_count, const uint32_t* const* allowed,
                             int32_t* token_ids,
                             const volatile int32_t* abort_flag) {
  const int rows = plan(items, item_count);
  if (rows > 0 && token_ids == nullptr) fail(XC_ERR_INVALID_ARGUMENT, "token_ids buffer is null");
  const int64_t vocab = model_->vocab_size();
  float* const logits = argmax_logits_.reserve(static_cast<size_t>(rows));
  // Each masked row's argmax reads only its allowed tokens: the forward may skip the others' logits.
  execute(logits, abort_flag, allowed);
  pool_.parallel_for(rows, 1, [&](int64_t begin, int64_t end) {
    for (int64_t r = begin; r < end; r++) {
      const uint32_t* mask = allowed == nullptr ? nullptr : allowed[r];
      token_ids[r] = mask == nullptr ? cpu::argmax_row(logits + r * vocab, vocab)
                                     : cpu::argmax_row_masked(logits + r * vocab, vocab, mask);
    }
  });
}

int Context::plan(const xc_batch_item* items, int item_count) {
  if (item_count < 0 || (item_count > 0 && items == nullptr)) fail(XC_ERR_INVALID_ARGUMENT, "invalid batch items");
  const int vocab = model_->vocab_size();
  std::map<int, int>& lengths = planned_lengths_;  // sequence → length after the items so far
  lengths.clear();
  int rows = 0;
  batch_.clear();
  for (int i = 0; i < item_count; i++) {
    const xc_batch_item& item = items[i];
    kv_.check(item.sequence);
    if (item.token_count <= 0 || item.tokens == nullptr) {
      fail(XC_ERR_INVALID_ARGUMENT, "batch item " + std::to_string(i) + " has no tokens");
    }
    if (item.logits_all != 0 && item.logits_all != 1) fail(XC_ERR_INVALID_ARGUMENT, "logits_all must be 0 or 1");
    auto [entry, inserted] = lengths.emplace(item.sequence, 0);
    if (inserted) entry->second = kv_.length(item.sequence);
    if (item.token_count > kv_.context_length() - entry->second) {
      fail(XC_ERR_CONTEXT_FULL, "sequence " + std::to_string(item.sequence) + " holds " + std::to_string(entry->second) +
                                    " tokens; " + std::to_string(item.token_count) + " more exceed the context of " +
                                    std::to_string(kv_.context_length()));
    }
    for (int t = 0; t < item.token_count; t++) {
      const int32_t token = item.tokens[t];
      if (token < 0 || token >= vocab) {
        fail(XC_ERR_INVALID_ARGUMENT, "token " + std::to_string(token) + " is outside the vocabulary (" +
                                          std::to_string(vocab) + ")");
      }
      const bool wants_logits = item.logits_all != 0 || t == item.token_count - 1;
      batch_.push_back({token, item.sequence, entry->second + t, wants_logits ? rows++ : -1});
    }
    entry->second += item.token_count;
  }
  return rows;
}

void Context::execute(float* logits, const volatile int32_t* abort_flag, const uint32_t* const* row_masks) {
  if (model_->device().kind != DeviceKind::Cpu) fail(XC_ERR_NO_DEVICE, "no backend for " + model_->device().name());
  for (const auto& [sequence, length] : planned_lengths_) kv_.prepare_append(sequence, length);
  const ForwardResources resources{pool_, *kernels_, kv_, scratch_, abort_flag, row_masks};
  for (size_t begin = 0; begin < batch_.size(); begin += kChunkTokens) {
    const size_t count = std::min(batch_.size() - begin, static_cast<size_t>(kChunkTokens));
    llama_forward(model_->config(), model_->weights(), resources, batch_.data() + begin, static_cast<int>(count), logits);
  }
  for (const auto& [sequence, length] : planned_lengths_) kv_.set_length(sequence, length);
}

}  // namespace xc
