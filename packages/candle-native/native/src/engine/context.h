#pragma once

#include <memory>
#include <vector>

#include "common/thread-pool.h"
#include "engine/kv-cache.h"
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
  // forward() into a buffer of its own, then each row's argmax (cpu::argmax_row) into `token_ids`.
  void forward_argmax(const xc_batch_item* items, int item_count, int32_t* token_ids,
                      const volatile int32_t* abort_flag);

 private:
  std::shared_ptr<const Model> model_;
  KvCache kv_;
  ThreadPool pool_;
  const KernelTable* kernels_;
  ForwardScratch scratch_;
  std::vector<BatchToken> batch_;
  std::vector<float> argmax_logits_;
};

}  // namespace xc
