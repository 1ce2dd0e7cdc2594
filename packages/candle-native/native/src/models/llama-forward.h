#pragma once

#include <cstdint>
#include <vector>

#include "common/thread-pool.h"
#include "engine/kv-cache.h"
#include "kernels/cpu/kernel-table.h"
#include "models/model-config.h"
#include "models/model-weights.h"

namespace xc {

// One token of a batch: which sequence (KV slot) it extends, at which position, and which row of
// the caller's logits buffer it fills (-1: none).
struct BatchToken {
  int32_t token;
  int32_t sequence;
  int32_t position;
  int32_t logits_row;
};

// Up to kQueryRun consecutive tokens of one sequence at consecutive positions: they attend together.
struct QueryRun {
  int begin;
  int count;
};

// Buffers reused across calls, sized for the largest chunk seen, so a decode step allocates nothing.
struct ForwardScratch {
  std::vector<float> x, xb, xb2, q, k, v, attention, gate, up, head_out;
  std::vector<float> rope;  // per token, per rope variant: rope_angles' table
  std::vector<float> attention_partial;  // split decode attention: each slice's output, then its stats
  std::vector<uint8_t> quantized;
  std::vector<int32_t> logit_tokens;
  std::vector<QueryRun> runs;
  std::vector<int32_t> attention_order;  // prefill attention's (run, kv head) items, costliest first
  std::vector<int32_t> shared_rows, shared_begin;  // a decode batch's runs grouped by shared pages
};

struct ForwardResources {
  ThreadPool& pool;
  const KernelTable& kernels;
  KvCache& kv;
  ForwardScratch& scratch;
  const volatile int32_t* abort_flag;
};

// Runs `count` tokens (any mix of sequences; each sequence's tokens in position order, its cache
// already holding the earlier positions and made writable) through every layer, writing their K/V
// and the requested logits rows (vocab floats each). Throws Error(XC_ERR_ABORTED) between layers.
void llama_forward(const ModelConfig& config, const ModelWeights& weights, const ForwardResources& resources,
                   const BatchToken* tokens, int count, float* logits);

}  // namespace xc
