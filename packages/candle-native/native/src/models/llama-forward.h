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
  std::vector<int32_t> slice_first, slice_pairs;  // … where each (run, kv head)'s slices start, and each slice's pair
  std::vector<uint8_t> quantized;
  std::vector<int32_t> logit_tokens;
  std::vector<QueryRun> runs;
  std::vector<int32_t> attention_order;  // prefill attention's (run, kv head) items, costliest first
  std::vector<int32_t> shared_rows, shared_begin;  // a decode batch's runs grouped by shared pages
  std::vector<uint8_t> head_groups;                  // masked_head_runs: the output head's groups any mask allows
  std::vector<WeightMatrix> head_slices;             // … and the runs of them, as slices of the output head
};

struct ForwardResources {
  ThreadPool& pool;
  const KernelTable& kernels;
  KvCache& kv;
  ForwardScratch& scratch;
  const volatile int32_t* abort_flag;
  // One mask per logits row (bit i & 31 of word i >> 5: token i), or null: the rows are only ever read
  // through their masks (Context::forward_argmax), so the output head may compute just the groups of
  // 16 rows the masks allow; a null mask (or null here) asks for the whole row.
  const uint32_t* const* row_masks = nullptr;
};

// Runs `count` tokens (any mix of sequences; each sequence's tokens in position order, its cache
// already holding the earlier positions and made writable) through every layer, writing their K/V
// and the requested logits rows (vocab floats each; with row_masks, where they are sparse, only the
// allowed tokens' groups of 16, the same bits as a full row there). Throws Error(XC_ERR_ABORTED)
// between layers.
void llama_forward(const ModelConfig& config, const ModelWeights& weights, const ForwardResources& resources,
                   const BatchToken* tokens, int count, float* logits);

}  // namespace xc
