#include "models/llama-forward.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "common/error.h"
#include "common/fp16.h"

namespace xc {

namespace {

void grow(std::vector<float>& buffer, size_t n) {
  if (buffer.size() < n) buffer.resize(n);
}

// Per-token element-wise work (rope, KV writes, the feed-forward activation, norms and residual
// adds) runs in chunks of this many tokens, so a decode batch of up to this many sequences stays on
// the calling thread.
constexpr int64_t kInlineTokens = 16;

// A sublayer's output into the residual stream, then the next norm, for tokens [begin, end): `delta`
// (nullptr: nothing to add) takes its own norm `delta_norm` first when the architecture has one (not
// empty), is added into `x`, and `x` is normed by `norm` into `y` (`norm` null: only the add). Run in
// the pool's chunks ahead of the matmul that reads `y` (MatmulPrepare): a prompt's 512 × 576 floats on
// the calling thread left the others spinning. Per element the same operations in the same order as
// one thread doing them all.
void residual_norm(const KernelTable& kernels, float* x, float* delta, const std::vector<float>* delta_norm,
                   const std::vector<float>* norm, float* y, int64_t begin, int64_t end, int64_t dim, float eps) {
  if (delta != nullptr && delta_norm != nullptr && !delta_norm->empty()) {
    for (int64_t t = begin; t < end; t++) cpu::rms_norm(delta + t * dim, delta_norm->data(), delta + t * dim, dim, eps);
  }
  kernels.add_rms_norm_rows(x + begin * dim, delta == nullptr ? nullptr : delta + begin * dim,
                            norm == nullptr ? nullptr : norm->data(), y == nullptr ? nullptr : y + begin * dim, dim,
                            end - begin, eps);
}

// A prompt's consecutive tokens attend in runs of up to this many (the AVX-512 kernel takes any
// number; the others are handed 16 at a time), so each K/V block is widened once per run: on the
// optimiser benchmark's suffixes (56 tokens over 1,000 cached, 2 heads per kv head) 64 took ≈ 20%
// less attention CPU than 16. Runs are halved, down to kMinQueryRun, while there are fewer than two
// (run, kv head) items per thread, so one short prompt still spreads over the pool.
constexpr int kQueryRun = 64;
constexpr int kMinQueryRun = 16;

// A long prompt (kLongPrompt or more consecutive tokens of one sequence) on several threads halves its
// runs on, down to kLongPromptRun, until there are kLongPromptItems items per thread: Qwen2.5-0.5B's
// 256-token chunks made 4 runs × 2 kv heads, 4 items a thread on 2 threads, and the threads finished
// ≈ 50 µs apart in a ≈ 700 µs region (the last item claimed a sixth of a thread's share). Each token's
// rows get the same operations whichever run they are in.
constexpr int kLongPrompt = 4 * kQueryRun;
constexpr int kLongPromptRun = 32;
constexpr int kLongPromptItems = 8;

bool continues(const BatchToken* tokens, int t) {
  return tokens[t].sequence == tokens[t - 1].sequence && tokens[t].position == tokens[t - 1].position + 1;
}

bool long_prompt(const BatchToken* tokens, int count) {
  for (int t = 0, stretch = 0; t < count; t++) {
    stretch = t > 0 && continues(tokens, t) ? stretch + 1 : 1;
    if (stretch >= kLongPrompt) return true;
  }
  return false;
}

// In a call without a longer stretch (a prompt), each stretch of at most kDecodeRowStretch consecutive
// tokens that continues a cached sequence (the tokens a grammar forced, fed with the request's next
// step; a draft's verification) attends as that many decode rows, each over its own keys, not as a
// run: each token gets the bits it gets decoded alone (the multi-token kernel's differ), and the call
// stays a decode batch, so forked sequences' rows keep sharing their pages' widening. attention-bench,
// 1,000 keys, 2 heads per kv head, one thread: 6 tokens as a run 5.8 ms, as rows together 5.4, as rows
// one at a time 6.8 (a call with a prompt keeps its runs: its rows attend one at a time, and its
// matmuls are a prefill's, whose bits differ anyway); 10 tokens 8.9, 7.6, 10.1. At most 16: the
// matmuls take up to 16 tokens as a decode batch, each row's bits those of a call of its own.
constexpr int kDecodeRowStretch = 16;

// Where the stretch of consecutive tokens from `t` on ends (one past its last token).
int stretch_end(const BatchToken* tokens, int count, int t) {
  int end = t + 1;
  while (end < count && continues(tokens, end)) end++;
  return end;
}

bool has_long_stretch(const BatchToken* tokens, int count) {
  for (int t = 0, end = 0; t < count; t = end) {
    end = stretch_end(tokens, count, t);
    if (end - t > kDecodeRowStretch) return true;
  }
  return false;
}

void query_runs(const BatchToken* tokens, int count, int nkv, int threads, std::vector<QueryRun>& runs) {
  const bool split_long = threads > 1 && long_prompt(tokens, count);
  const bool decode_rows_allowed = !has_long_stretch(tokens, count);
  for (int limit = kQueryRun;; limit /= 2) {
    runs.clear();
    bool decode_rows = false;
    for (int t = 0, end = 0; t < count; t++) {
      if (t == end) {
        end = stretch_end(tokens, count, t);
        decode_rows = decode_rows_allowed && tokens[t].position > 0;
      }
      const bool extends = !decode_rows && !runs.empty() && runs.back().count < limit && continues(tokens, t);
      if (extends) runs.back().count++;
      else runs.push_back({t, 1});
    }
    const int64_t items = static_cast<int64_t>(runs.size()) * nkv;
    const bool few_long = split_long && limit > kLongPromptRun && items < kLongPromptItems * threads;
    if (limit <= kMinQueryRun || (items >= 2 * threads && !few_long)) return;
  }
}

// Attention of at most this many (query head, cached key) pairs runs on the calling thread: a short
// context's microsecond or so of work costs less than a hand-off to the pool.
constexpr int64_t kInlineAttentionPairs = 288;

// Decode attention splits each (sequence, kv head)'s keys into slices of at least this many keys
// until there are about kSlicesPerThread work items per thread (flash-decoding): SmolLM2's 3 kv
// heads on 2 threads otherwise leave one thread idle for a third of the time, and a long context
// runs on one core per head. Smaller slices cost more in per-slice set-up than they gain.
constexpr int kMinSliceKeys = 128;
constexpr int kSlicesPerThread = 4;

// Where each (run, kv head)'s key slices start among a decode batch's attention items, in `first` (one
// more entry than pairs: the last is the item count); one slice a pair unless every run is a single token. A run is sliced by its own keys, as its row would be decoded
// alone, so a short stretch of one sequence attending as decode rows gets each row's bits of one call
// per token even where its later rows reach another multiple of kMinSliceKeys. True: some run has
// more than one slice.
bool attention_slices(const std::vector<QueryRun>& runs, const BatchToken* tokens, int heads, int nkv, int threads,
                      int window, std::vector<int32_t>& first) {
  first.resize(runs.size() * static_cast<size_t>(nkv) + 1);
  for (size_t pair = 0; pair < first.size(); pair++) first[pair] = static_cast<int32_t>(pair);
  for (const QueryRun& run : runs) {
    if (run.count != 1) return false;
  }
  // a stretch's decode rows count as one sequence, as when each row is decoded alone
  int64_t sequences = 0;
  for (size_t i = 0; i < runs.size(); i++) {
    sequences += i == 0 || tokens[runs[i].begin].sequence != tokens[runs[i - 1].begin].sequence;
  }
  const int64_t items = sequences * nkv;
  const int64_t wanted = (static_cast<int64_t>(kSlicesPerThread) * threads + items - 1) / items;
  bool split = false;
  int32_t item = 0;
  for (size_t i = 0; i < runs.size(); i++) {
    const int position = tokens[runs[i].begin].position;
    const int keys = window > 0 ? std::min(position + 1, window) : position + 1;
    // a row whose attention runs inline when it is decoded alone is never split
    const bool inline_alone = static_cast<int64_t>(position + 1) * heads <= kInlineAttentionPairs;
    const auto count = static_cast<int32_t>(
        inline_alone ? 1 : std::max<int64_t>(1, std::min<int64_t>(wanted, keys / kMinSliceKeys)));
    split |= count > 1;
    for (int h = 0; h < nkv; h++, item += count) first[i * static_cast<size_t>(nkv) + static_cast<size_t>(h)] = item;
  }
  first.back() = item;
  return split;
}

// Decode rows whose sequences start on the same KV page (forked from one cached prefix) attend
// together, at most kSharedDecodeRows per work item, so each block of pages they share is widened
// from f16 once for all of them (cpu::attention_decode_rows); fewer than kMinSharedDecodeRows attend
// one at a time, as their own items. attention-bench --rows, 1,000 keys, 2 heads per kv head, rows
// together against one at a time: 4 rows even, 5 4–7% faster, 6 7–9%, 8 10–12%.
constexpr int kSharedDecodeRows = 8;
constexpr int kMinSharedDecodeRows = 5;

// A decode batch's runs (one token each) grouped by their sequence's first page, in even parts of at
// most kSharedDecodeRows: rows = run indices in group order, begin = each group's first index, then
// rows' size. False, no group of more than one: not a decode batch, or too few runs share a page.
bool shared_decode_groups(const std::vector<QueryRun>& runs, const BatchToken* tokens, const KvCache& kv,
                          std::vector<int32_t>& rows, std::vector<int32_t>& begin) {
  rows.clear(), begin.clear();
  for (const QueryRun& run : runs) {
    if (run.count != 1) return false;
  }
  auto first_page = [&](size_t run) { return kv.head_view(tokens[runs[run].begin].sequence, 0, 0).pages[0]; };
  for (size_t i = 0; i < runs.size(); i++) {
    const uint8_t* page = first_page(i);
    bool grouped = false;  // with an earlier run's
    for (size_t j = 0; j < i && !grouped; j++) grouped = first_page(j) == page;
    if (grouped) continue;
    const auto from = static_cast<int32_t>(rows.size());
    for (size_t j = i; j < runs.size(); j++) {
      if (first_page(j) == page) rows.push_back(static_cast<int32_t>(j));
    }
    const int n = static_cast<int>(rows.size()) - from;
    const int parts = n < kMinSharedDecodeRows ? n : (n + kSharedDecodeRows - 1) / kSharedDecodeRows;
    for (int part = 0, at = 0; part < parts; part++) {
      begin.push_back(from + at);
      at += (n - at) / (parts - part);
    }
  }
  const bool shared = begin.size() < rows.size();
  begin.push_back(static_cast<int32_t>(rows.size()));
  return shared;
}

// Whether (group, kv head) items keep the threads level: one item per (row, kv head) spreads evenly,
// while 8 forked rows of a model with 3 kv heads make 3 items, 2 on one of 2 threads, ≈ 1.5× the
// attention's wall for a ≈ 10% cheaper kernel.
bool shared_items_level(int64_t items, int threads) { return items % threads == 0 || items >= 4 * threads; }

void request_kv_rows(KvCache& kv, const BatchToken* tokens, int count, int layer, int nkv, int64_t hd) {
  const int64_t row_bytes = hd * (kv.f16() ? 2 : 4);
  for (int t = 0; t < count; t++) {
    for (int kind = 0; kind < 2; kind++) {
      for (int h = 0; h < nkv; h++) {
        const uint8_t* row = kv.row(tokens[t].sequence, tokens[t].position, layer, kind, h);
#if defined(__GNUC__) || defined(__clang__)
        for (int64_t b = 0; b < row_bytes; b += 64) __builtin_prefetch(row + b, 1, 3);
#else
        (void)row, (void)row_bytes;
#endif
      }
    }
  }
}

// The order the pool claims a prompt's (run, kv head) attention items in: the most keys first, so a
// causal prompt's last runs (the longest) do not start last and leave one thread finishing them alone
// (SmolLM2's 512 tokens: 8 runs of 64 × 3 kv heads on 2 threads, the last item a sixth of a thread's share). Each item
// writes its own rows, so the order changes no result. One thread, or a decode batch: in order.
void attention_order(const std::vector<QueryRun>& runs, const BatchToken* tokens, int nkv, int threads,
                     std::vector<int32_t>& order) {
  const auto items = static_cast<int32_t>(runs.size()) * nkv;
  order.resize(static_cast<size_t>(items));
  for (int32_t i = 0; i < items; i++) order[static_cast<size_t>(i)] = i;
  bool single_tokens = true;
  for (const QueryRun& run : runs) single_tokens &= run.count == 1;
  if (threads <= 1 || single_tokens) return;
  std::vector<int64_t> keys(runs.size(), 0);
  for (size_t i = 0; i < runs.size(); i++) {
    for (int j = 0; j < runs[i].count; j++) keys[i] += tokens[runs[i].begin + j].position + 1;
  }
  std::stable_sort(order.begin(), order.end(), [&](int32_t a, int32_t b) { return keys[static_cast<size_t>(a / nkv)] > keys[static_cast<size_t>(b / nkv)]; });
}

// The output head runs over only the groups of kHeadGroup rows that the logits rows' masks allow when
// those are at most 1 / kSparseHeadShare of its groups. A grammar-constrained greedy step allows a few
// tokens (the optimiser benchmark's rows: 1–14 of 32,000), and the head was a quarter of an 8-row
// decode step's CPU.
constexpr int64_t kHeadGroup = 16;
constexpr int64_t kSparseHeadShare = 8;

// The slices of the output head that rows [first_row, first_row + rows) need, in `slices` (consecutive
// allowed groups merged); false when some row has no mask or the masks reach too many groups.
bool masked_head_slices(const WeightMatrix& head, const uint32_t* const* masks, int first_row, int rows,
                        std::vector<uint8_t>& groups, std::vector<WeightMatrix>& slices) {
  if (masks == nullptr) return false;
  const int64_t vocab = head.rows;
  const int64_t group_count = (vocab + kHeadGroup - 1) / kHeadGroup;
  groups.assign(static_cast<size_t>(group_count), 0);
  // a mask word's low and high halves are one group each (a dense mask costs a word's test, not a bit's)
  static_assert(kHeadGroup == 16, "a mask word covers two groups");
  int64_t marked = 0;
  for (int r = first_row; r < first_row + rows; r++) {
    const uint32_t* mask = masks[r];
    if (mask == nullptr) return false;
    for (int64_t word = 0; word < (vocab + 31) / 32; word++) {
      if (mask[word] == 0) continue;
      for (int64_t half = 0; half < 2; half++) {
        const int64_t g = 2 * word + half;
        if (((mask[word] >> (16 * half)) & 0xffffu) == 0 || g >= group_count || groups[static_cast<size_t>(g)] != 0) continue;
        groups[static_cast<size_t>(g)] = 1;
        if (++marked * kSparseHeadShare > group_count) return false;
      }
    }
  }
  slices.clear();
  for (int64_t g = 0; g < group_count;) {
    if (groups[static_cast<size_t>(g)] == 0) {
      g++;
      continue;
    }
    int64_t end = g;
    while (end < group_count && groups[static_cast<size_t>(end)] != 0) end++;
    const int64_t begin_row = g * kHeadGroup;
    slices.push_back(head.slice_rows(begin_row, std::min(vocab, end * kHeadGroup) - begin_row));
    g = end;
  }
  return true;
}

cpu::RopeParams rope_params(const ModelConfig& c, const ModelWeights& w, bool sliding) {
  return c.rope_params(sliding, w.rope_freq_factors.empty() ? nullptr : w.rope_freq_factors.data());
}

}  // namespace

void llama_forward(const ModelConfig& c, const ModelWeights& w, const ForwardResources& r, const BatchToken* tokens,
                   int count, float* logits) {
  ForwardScratch& s = r.scratch;
  const KernelTable& kernels = r.kernels;
  const int64_t dim = c.embedding_length;
  const int64_t hd = c.head_dim;
  const int nh = c.head_count;
  const int nkv = c.head_count_kv;
  const int64_t q_dim = nh * hd;
  const int64_t kv_dim = nkv * hd;
  const int64_t ff = c.feed_forward_length;
  const int group = nh / nkv;
  const auto n = static_cast<size_t>(count);
  grow(s.x, n * dim);
  grow(s.xb, n * dim);
  grow(s.xb2, n * dim);
  grow(s.q, n * q_dim);
  grow(s.k, n * kv_dim);
  grow(s.v, n * kv_dim);
  grow(s.attention, n * q_dim);
  grow(s.gate, n * ff);
  grow(s.up, n * ff);

  const WeightMatrix& embedding = w.token_embedding;
  r.pool.parallel_for(count, kInlineTokens, [&](int64_t begin, int64_t end) {
    for (int64_t t = begin; t < end; t++) {
      float* row = s.x.data() + t * dim;
      dequantize_matrix_row(embedding, tokens[t].token, row);
      if (c.arch->scale_embedding) {
        const float scale = std::sqrt(static_cast<float>(dim));
        for (int64_t i = 0; i < dim; i++) row[i] *= scale;
      }
    }
  });

  query_runs(tokens, count, nkv, r.pool.size(), s.runs);
  const std::vector<QueryRun>& runs = s.runs;
  int64_t attention_pairs = 0;
  for (int t = 0; t < count; t++) attention_pairs += static_cast<int64_t>(tokens[t].position + 1) * nh;
  const bool attention_inline = attention_pairs <= kInlineAttentionPairs;
  attention_order(runs, tokens, nkv, attention_inline ? 1 : r.pool.size(), s.attention_order);
  const bool shared_decode = !attention_inline && r.kv.f16() && r.kernels.attend_decode_rows != nullptr &&
                             shared_decode_groups(runs, tokens, r.kv, s.shared_rows, s.shared_begin) &&
                             shared_items_level(static_cast<int64_t>(s.shared_begin.size() - 1) * nkv, r.pool.size());

  // The rotation angles depend on the position and the rope variant only: once per token, not per layer.
  bool any_sliding = false;
  for (int l = 0; l < c.layer_count; l++) any_sliding |= c.is_sliding_layer(l);
  const cpu::RopeParams rope_of[2] = {rope_params(c, w, false), rope_params(c, w, any_sliding)};
  const int64_t rope_stride = std::max(rope_of[0].dims, rope_of[1].dims);
  const int variants = any_sliding ? 2 : 1;
  grow(s.rope, n * variants * rope_stride);
  for (int v = 0; v < variants; v++) {
    for (int t = 0; t < count; t++) cpu::rope_angles(tokens[t].position, rope_of[v], s.rope.data() + (v * n + t) * rope_stride);
  }

  for (int l = 0; l < c.layer_count; l++) {
    if (r.abort_flag != nullptr && *r.abort_flag != 0) fail(XC_ERR_ABORTED, "forward aborted");
    const LayerWeights& layer = w.layers[static_cast<size_t>(l)];
    const bool sliding = c.is_sliding_layer(l);
    const cpu::RopeParams& rope = rope_of[sliding ? 1 : 0];
    const float* rope_table = s.rope.data() + (sliding ? n : 0) * rope_stride;

    // A decode batch's K/V rows of this layer are requested now, to arrive during the q/k/v matmul:
    // their lines are rarely cached (a fresh or recycled page), and the writes below stalled on them.
    if (count <= kInlineTokens) request_kv_rows(r.kv, tokens, count, l, nkv, hd);

    // attention: q, k, v projections in one pass over the three matrices, on the norm of the residual
    // stream with the previous layer's feed-forward output added (both in the matmul's own chunks)
    float* const ffn_out = l == 0 ? nullptr : s.xb2.data();
    const std::vector<float>* const ffn_out_norm = l == 0 ? nullptr : &w.layers[static_cast<size_t>(l - 1)].post_ffn_norm;
    const MatmulPrepare attention_input = [&](int64_t begin, int64_t end) {
      residual_norm(kernels, s.x.data(), ffn_out, ffn_out_norm, &layer.attn_norm, s.xb.data(), begin, end, dim, c.rms_epsilon);
    };
    const MatmulTarget qkv[3] = {
        {&layer.wq, s.q.data(), q_dim, layer.bq.empty() ? nullptr : layer.bq.data()},
        {&layer.wk, s.k.data(), kv_dim, layer.bk.empty() ? nullptr : layer.bk.data()},
        {&layer.wv, s.v.data(), kv_dim, layer.bv.empty() ? nullptr : layer.bv.data()},
    };
    matmul(r.pool, kernels, s.xb.data(), count, qkv, 3, s.quantized, &attention_input);

    // per-head q/k norms, RoPE, then this batch's keys and values into the cache (a decode batch's
    // few tokens on the calling thread: cheaper than a hand-off to the pool)
    r.pool.parallel_for(count, kInlineTokens, [&](int64_t begin, int64_t end) {
      for (int64_t t = begin; t < end; t++) {
        float* q = s.q.data() + t * q_dim;
        float* k = s.k.data() + t * kv_dim;
        const float* v = s.v.data() + t * kv_dim;
        if (!layer.q_norm.empty()) {
          for (int h = 0; h < nh; h++) cpu::rms_norm(q + h * hd, layer.q_norm.data(), q + h * hd, hd, c.rms_epsilon);
          for (int h = 0; h < nkv; h++) cpu::rms_norm(k + h * hd, layer.k_norm.data(), k + h * hd, hd, c.rms_epsilon);
        }
        const float* angles = rope_table + t * rope_stride;
        kernels.rope_rotate(q, nh, static_cast<int>(hd), angles, rope);
        kernels.rope_rotate(k, nkv, static_cast<int>(hd), angles, rope);
        for (int h = 0; h < nkv; h++) {
          uint8_t* key = r.kv.row(tokens[t].sequence, tokens[t].position, l, 0, h);
          uint8_t* value = r.kv.row(tokens[t].sequence, tokens[t].position, l, 1, h);
          if (r.kv.f16()) {
            kernels.f32_to_f16(k + h * hd, reinterpret_cast<uint16_t*>(key), hd);
            kernels.f32_to_f16(v + h * hd, reinterpret_cast<uint16_t*>(value), hd);
          } else {
            std::memcpy(key, k + h * hd, sizeof(float) * static_cast<size_t>(hd));
            std::memcpy(value, v + h * hd, sizeof(float) * static_cast<size_t>(hd));
          }
        }
      }
    });

    // attention of every (run of tokens, kv head) over each token's own positions [first, position];
    // a decode batch's key ranges split into slices, merged below on the calling thread
    const int64_t heads_of_runs = static_cast<int64_t>(runs.size()) * nkv;
    const bool split = !attention_inline && attention_slices(runs, tokens, static_cast<int>(nh), nkv, r.pool.size(),
                                                             sliding ? c.sliding_window : 0, s.slice_first);
    const int64_t slice_floats = group * hd + 2 * group;
    // one (run, kv head)'s attention over its token's keys [from, to], or over all of each token's own
    // keys (to < 0), into its rows of s.attention, or as a slice's output and stats into `part`
    auto attend = [&](int64_t pair, int from, int to, float* part) {
      const QueryRun& run = runs[static_cast<size_t>(pair / nkv)];
      const int kv_head = static_cast<int>(pair % nkv);
      const cpu::KvHeadView view = r.kv.head_view(tokens[run.begin].sequence, l, kv_head);
      const int64_t offset = run.begin * q_dim + static_cast<int64_t>(kv_head) * group * hd;
      if (part != nullptr) {
        cpu::attention_slice(kernels, view, s.q.data() + offset, group, from, to, c.attention_scale, c.attention_softcap,
                             part, part + group * hd);
        return;
      }
      int first[kQueryRun], last[kQueryRun];
      for (int j = 0; j < run.count; j++) {
        last[j] = tokens[run.begin + j].position;
        first[j] = sliding ? std::max(0, last[j] - c.sliding_window + 1) : 0;
      }
      cpu::attention_tokens(kernels, view, s.q.data() + offset, q_dim, run.count, group, first, last, c.attention_scale,
                            c.attention_softcap, s.attention.data() + offset, q_dim);
    };
    if (!split && shared_decode && !sliding) {
      // a decode batch with sequences on shared pages: one item per (group of them, kv head)
      const auto groups = static_cast<int64_t>(s.shared_begin.size()) - 1;
      r.pool.parallel_for(groups * nkv, 1, [&](int64_t begin, int64_t end) {
        for (int64_t item = begin; item < end; item++) {
          const int kv_head = static_cast<int>(item % nkv);
          const int32_t* rows = s.shared_rows.data() + s.shared_begin[static_cast<size_t>(item / nkv)];
          const int n = static_cast<int>(s.shared_rows.data() + s.shared_begin[static_cast<size_t>(item / nkv + 1)] - rows);
          cpu::DecodeRow batch[kSharedDecodeRows];
          for (int k = 0; k < n; k++) {
            const BatchToken& token = tokens[runs[static_cast<size_t>(rows[k])].begin];
            const int64_t offset = runs[static_cast<size_t>(rows[k])].begin * q_dim + static_cast<int64_t>(kv_head) * group * hd;
            batch[k] = {r.kv.head_view(token.sequence, l, kv_head), s.q.data() + offset, s.attention.data() + offset, 0,
                        token.position};
          }
          cpu::attention_decode_rows(kernels, batch, n, group, c.attention_scale, c.attention_softcap);
        }
      });
    } else if (!split) {
      r.pool.parallel_for(heads_of_runs, attention_inline ? heads_of_runs : 1, [&](int64_t begin, int64_t end) {
        for (int64_t claimed = begin; claimed < end; claimed++) attend(s.attention_order[static_cast<size_t>(claimed)], 0, -1, nullptr);
      });
    } else {
      // a decode batch's rows split into key slices (flash-decoding), merged below on the calling thread
      const int32_t items = s.slice_first.back();
      grow(s.attention_partial, static_cast<size_t>(items) * slice_floats);
      s.slice_pairs.resize(static_cast<size_t>(items));
      for (int64_t pair = 0; pair < heads_of_runs; pair++) {
        for (int32_t item = s.slice_first[static_cast<size_t>(pair)]; item < s.slice_first[static_cast<size_t>(pair) + 1]; item++)
          s.slice_pairs[static_cast<size_t>(item)] = static_cast<int32_t>(pair);
      }
      r.pool.parallel_for(items, 1, [&](int64_t begin, int64_t end) {
        for (int64_t item = begin; item < end; item++) {
          const int32_t pair = s.slice_pairs[static_cast<size_t>(item)];
          const int32_t from_item = s.slice_first[static_cast<size_t>(pair)];
          const int slices = s.slice_first[static_cast<size_t>(pair) + 1] - from_item;
          if (slices == 1) {
            attend(pair, 0, -1, nullptr);
            continue;
          }
          const int slice = static_cast<int>(item - from_item);
          const int last = tokens[runs[static_cast<size_t>(pair / nkv)].begin].position;
          const int first = sliding ? std::max(0, last - c.sliding_window + 1) : 0;
          const int keys = last - first + 1;
          const int from = first + static_cast<int>(static_cast<int64_t>(keys) * slice / slices);
          const int to = first + static_cast<int>(static_cast<int64_t>(keys) * (slice + 1) / slices) - 1;
          float* part = s.attention_partial.data() + item * slice_floats;
          if (from > to) {
            std::fill(part + group * hd, part + slice_floats, 0.0f);  // no keys: a zero denominator, skipped by the merge
            continue;
          }
          attend(pair, from, to, part);
        }
      });
      for (int64_t pair = 0; pair < heads_of_runs; pair++) {
        const int32_t from_item = s.slice_first[static_cast<size_t>(pair)];
        const int slices = s.slice_first[static_cast<size_t>(pair) + 1] - from_item;
        if (slices == 1) continue;
        const QueryRun& run = runs[static_cast<size_t>(pair / nkv)];
        float* out = s.attention.data() + run.begin * q_dim + (pair % nkv) * group * hd;
        cpu::attention_combine(group, static_cast<int>(hd), slices, s.attention_partial.data() + from_item * slice_floats,
                               slice_floats, out);
      }
    }

    const MatmulTarget output{&layer.wo, s.xb2.data(), dim, layer.bo.empty() ? nullptr : layer.bo.data()};
    matmul(r.pool, kernels, s.attention.data(), count, &output, 1, s.quantized);

    // gated feed-forward: down(act(gate(x)) * up(x)), on the norm of the residual stream with attention's
    // output added; the norm and the activation run in the chunks of the matmuls that read them
    const MatmulPrepare ffn_input = [&](int64_t begin, int64_t end) {
      residual_norm(kernels, s.x.data(), s.xb2.data(), &layer.post_attn_norm, &layer.ffn_norm, s.xb.data(), begin, end, dim, c.rms_epsilon);
    };
    const MatmulTarget gate_up[2] = {{&layer.w_gate, s.gate.data(), ff, nullptr}, {&layer.w_up, s.up.data(), ff, nullptr}};
    matmul(r.pool, kernels, s.xb.data(), count, gate_up, 2, s.quantized, &ffn_input);
    const MatmulPrepare activation = [&](int64_t begin, int64_t end) {
      float* gate = s.gate.data() + begin * ff;
      const float* up = s.up.data() + begin * ff;
      if (c.arch->activation == FfnActivation::Silu) {
        kernels.silu_mul(gate, up, (end - begin) * ff);
      } else {
        cpu::gelu_tanh_mul(gate, up, (end - begin) * ff);
      }
    };
    const MatmulTarget down{&layer.w_down, s.xb2.data(), dim, nullptr};
    matmul(r.pool, kernels, s.gate.data(), count, &down, 1, s.quantized, &activation);
  }
  // the last layer's feed-forward output into the residual stream (the earlier ones were added with the next layer's norm)
  if (c.layer_count > 0) {
    r.pool.parallel_for(count, kInlineTokens, [&](int64_t begin, int64_t end) {
      residual_norm(kernels, s.x.data(), s.xb2.data(), &w.layers[static_cast<size_t>(c.layer_count - 1)].post_ffn_norm, nullptr, nullptr,
                    begin, end, dim, c.rms_epsilon);
    });
  }

  // final norm and LM head for the rows the caller asked for (consecutive logits rows)
  int rows = 0;
  int first_row = -1;
  for (int t = 0; t < count; t++) {
    if (tokens[t].logits_row < 0) continue;
    if (first_row < 0) first_row = tokens[t].logits_row;
    cpu::rms_norm(s.x.data() + t * dim, w.output_norm.data(), s.xb.data() + rows * dim, dim, c.rms_epsilon);
    rows++;
  }
  if (rows == 0) return;
  const int64_t vocab = w.output.rows;
  float* out = logits + static_cast<int64_t>(first_row) * vocab;
  const float* bias = w.output_bias.empty() ? nullptr : w.output_bias.data();
  if (masked_head_slices(w.output, r.row_masks, first_row, rows, s.head_groups, s.head_slices)) {
    std::vector<MatmulTarget> heads;
    for (const WeightMatrix& slice : s.head_slices) {
      const int64_t begin = (slice.data - w.output.data) / w.output.row_bytes;
      heads.push_back({&slice, out + begin, vocab, bias == nullptr ? nullptr : bias + begin});
    }
    matmul(r.pool, kernels, s.xb.data(), rows, heads.data(), static_cast<int>(heads.size()), s.quantized);
    for (int t = 0; c.final_softcap > 0 && t < rows; t++) {
      for (const MatmulTarget& head : heads) cpu::softcap(head.out + t * vocab, head.weight->rows, c.final_softcap);
    }
    return;
  }
  const MatmulTarget head{&w.output, out, vocab, bias};
  matmul(r.pool, kernels, s.xb.data(), rows, &head, 1, s.quantized);
  if (c.final_softcap > 0) cpu::softcap(out, rows * vocab, c.final_softcap);
}

}  // namespace xc
