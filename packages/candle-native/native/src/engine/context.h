#pragma once

#include <map>
#include <memory>
#include <vector>

#include "common/thread-pool.h"
#include "engine/kv-cache.h"
#include "engine/logits-rows.h"
#include "engine/model.h"
#include "kernels/cpu/kernel-table.h"
#include "models/llama-forward.h"
#include "xcandle.h"

namespace xc {

// Sequences (KV slots), threads and scratch over one model. Not thread-safe: one call at a time.
class Context {
 public:
  Context(std::shared_ptr<const Model> model, const xc_context_options& options);

  KvCache& kv() { return kv_; }
  const KvCache& kv() const { return kv_; }
  int threads() const { return pool_.size(); }
  const KernelTable& kernels() const { return *kernels_; }

  // Validates the whole batch first, so a rejected call changes nothing.
  void forward(const xc_batch_item* items, int item_count, float* logits, const volatile int32_t* abort_flag);
  // forward() into a buffer of its own (the logits never leave the context), then each row's argmax
  // (cpu::argmax_row: the runtime's greedy rule) into `token_ids`; `allowed` (null, or one mask or null
  // per row) restricts each row to its mask's tokens (cpu::argmax_row_masked, -1 when it allows none).
  void forward_argmax(const xc_batch_item* items, int item_count, const uint32_t* const* allowed, int32_t* token_ids,
                      const volatile int32_t* abort_flag);

 private:
  // Validates the whole batch into batch_ and planned_lengths_; returns the logits rows it asks for.
  int plan(const xc_batch_item* items, int item_count);
  // Runs the planned batch, writing its logits rows into `logits`, and commits the sequence lengths.
  void execute(float* logits, const volatile int32_t* abort_flag, const uint32_t* const* row_masks = nullptr);

  std::shared_ptr<const Model> model_;
  KvCache kv_;
  ThreadPool pool_;
  const KernelTable* kernels_;
  ForwardScratch scratch_;
  std::vector<BatchToken> batch_;
  std::map<int, int> planned_lengths_;
  LogitsRows argmax_logits_;  // forward_argmax's logits, never leaving the context
};

}  // namespace xc
