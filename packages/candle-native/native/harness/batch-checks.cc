// A row's logits whatever else its call holds: decode batches = one call per sequence (shared pages
// or not), split decode = prefill rows, a fed stretch = one call per token bit for bit, and the same
// bytes on 1, 2 and 3 threads.
#include <algorithm>

#include "model-checks.h"
#include "session.h"

namespace xch {

namespace {

// One call holding `tokens[i]` for `sequences[i]`, each item one token: its logits rows, in order.
std::vector<float> decode_batch(Session& session, const std::vector<int32_t>& sequences, const std::vector<int32_t>& tokens) {
  std::vector<xc_batch_item> items;
  for (size_t i = 0; i < sequences.size(); i++) items.push_back({sequences[i], &tokens[i], 1, 0});
  std::vector<float> rows(sequences.size() * static_cast<size_t>(session.vocab()));
  ok(xc_forward(session.context(), items.data(), static_cast<int>(items.size()), rows.data(), nullptr), "decode batch");
  return rows;
}

// `tokens[i]` appended to `sequences[i]` in a call of its own, one after another: the logits rows, in order.
std::vector<float> one_call_each(Session& session, const std::vector<int32_t>& sequences, const std::vector<int32_t>& tokens) {
  std::vector<float> rows;
  for (size_t i = 0; i < sequences.size(); i++) {
    const std::vector<float> row = session.forward(sequences[i], {tokens[i]});
    rows.insert(rows.end(), row.begin(), row.end());
  }
  return rows;
}

// The largest relative L2 distance between corresponding rows of `a` and `b`.
double worst_row_error(const std::vector<float>& a, const std::vector<float>& b, int vocab) {
  double worst = 0;
  for (size_t row = 0; row * vocab < a.size(); row++) {
    worst = std::max(worst, relative_l2(a.data() + row * vocab, b.data() + row * vocab, vocab));
  }
  return worst;
}

}  // namespace

// A decode batch: `batch` sequences at different lengths, one token each in one call (the matmuls'
// multi-token tiles) = each sequence's token in a call of its own (the single-row dots).
void check_decode_batch(Checker& check, const std::string& path, const std::string& label, int batch, double tolerance) {
  Session session(path, xc_context_options{128, 2 * batch, 2, XC_KV_F32});
  const int vocab = session.vocab();
  std::vector<int32_t> batched, alone, next;
  for (int b = 0; b < batch; b++) {
    const std::vector<int32_t> prompt = tokens_for(3 + 5 * b, vocab, 10 + b);
    batched.push_back(session.create());
    alone.push_back(session.create());
    session.forward(batched.back(), prompt);
    session.forward(alone.back(), prompt);
    next.push_back((b * 31 + 7) % vocab);
  }
  const std::vector<float> rows = decode_batch(session, batched, next);
  const double worst = worst_row_error(rows, one_call_each(session, alone, next), vocab);
  check.expect(worst < tolerance, label + ": decode batch of " + std::to_string(batch) + " = one call per sequence",
               "worst rel L2 " + number(worst));
}

// A decode batch of `batch` sequences forked from one 150-token prompt (their KV pages shared but for
// the last, partly filled one: the rows attend together, cpu::attention_decode_rows, where their items
// keep the 2 threads level: 10 and 16 rows of this 1-kv-head model) = the same batch
// over sequences that each prefilled the prompt themselves (no page shared: one row at a time), bit
// for bit; and ≈ each forked sequence's token in a call of its own.
void check_forked_decode_batch(Checker& check, const std::string& path, const std::string& label, int batch,
                               double tolerance) {
  Session session(path, xc_context_options{256, 3 * batch + 1, 2, XC_KV_F16});
  const int vocab = session.vocab();
  const std::vector<int32_t> prompt = tokens_for(150, vocab, 3);
  const int parent = session.create();
  session.forward(parent, prompt);
  std::vector<int32_t> forked, copied, alone, next;
  for (int b = 0; b < batch; b++) {
    for (std::vector<int32_t>* set : {&forked, &alone}) {
      int32_t sequence = -1;
      ok(xc_sequence_fork(session.context(), parent, 150, &sequence), "fork");
      set->push_back(sequence);
    }
    copied.push_back(session.create());
    session.forward(copied.back(), prompt);
    next.push_back((b * 31 + 7) % vocab);
  }
  const std::vector<float> shared = decode_batch(session, forked, next), separate = decode_batch(session, copied, next);
  const bool same = same_bits(shared, separate);
  check.expect(same, label + ": decode batch of " + std::to_string(batch) + " forked sequences = the same batch without shared pages, bit for bit",
               same ? "the same bits" : "logits differ");
  const double worst = worst_row_error(shared, one_call_each(session, alone, next), vocab);
  check.expect(worst < tolerance, label + ": decode batch of " + std::to_string(batch) + " forked sequences = one call per sequence",
               "worst rel L2 " + number(worst));
}

// Decode steps past 256 cached keys split each kv head's keys into slices on the pool's threads
// (flash-decoding), merged after: they must match the unsplit prefill rows of the same positions,
// for one sequence and for a decode batch of two at different lengths.
void check_split_decode(Checker& check, const std::string& path, const std::string& label, double tolerance) {
  Session session(path, options(512));
  const int vocab = session.vocab();
  const std::vector<int32_t> prompt = tokens_for(400, vocab, 5);
  const std::vector<float> all = session.forward(session.create(), prompt, true);
  const std::vector<int32_t> head(prompt.begin(), prompt.end() - 1);
  const int single = session.create();
  session.forward(single, head);
  const std::vector<float> row = session.forward(single, {prompt.back()});
  double worst = relative_l2(row.data(), all.data() + 399 * static_cast<size_t>(vocab), vocab);
  const int shorter = session.create(), longer = session.create();
  session.forward(shorter, std::vector<int32_t>(prompt.begin(), prompt.begin() + 299));
  session.forward(longer, head);
  const xc_batch_item items[2] = {{shorter, &prompt[299], 1, 0}, {longer, &prompt[399], 1, 0}};
  std::vector<float> rows(2 * static_cast<size_t>(vocab));
  ok(xc_forward(session.context(), items, 2, rows.data(), nullptr), "split decode batch");
  worst = std::max(worst, relative_l2(rows.data(), all.data() + 299 * static_cast<size_t>(vocab), vocab));
  worst = std::max(worst, relative_l2(rows.data() + vocab, all.data() + 399 * static_cast<size_t>(vocab), vocab));
  check.expect(worst < tolerance, label + ": decode at 300 and 400 keys (split into slices) = prefill rows",
               "worst rel L2 " + number(worst));
}

// A short stretch of a cached sequence's tokens in one call (tokens a grammar forced, fed with the next
// step: up to 16, attended as decode rows, llama-forward.cc) = the same tokens one call each, bit for
// bit, every row: after 150 cached keys (one slice), after 250 (the stretch's later rows reach 256 keys,
// where a row alone gets a second slice) and after 400 (split into slices; each of the stretch's rows is
// sliced by its own keys, as a row alone is); and in a decode batch beside sequences forked from the
// same prompt (the stretch's rows attend with theirs over the shared pages) = each row alone. For the
// weight types whose decode-batch matmul rows have a single token's bits (F16 and BF16 tiles of 4 tokens,
// and Q6_K's in the x16 layout, sum in another order: their decode batches differ from one call each by
// ~3e-7 already).
void check_stretch_as_decode_rows(Checker& check, const std::string& path, const std::string& label) {
  Session session(path, xc_context_options{512, 16, 2, XC_KV_F16});
  const int vocab = session.vocab();
  for (const int cached : {150, 250, 400}) {
    const std::vector<int32_t> prompt = tokens_for(cached, vocab, 6);
    for (const int stretch : {2, 6, 16}) {
      const std::vector<int32_t> tokens = tokens_for(stretch, vocab, 7);
      const int stepwise = session.create(), together = session.create();
      session.forward(stepwise, prompt);
      session.forward(together, prompt);
      const std::vector<float> rows = one_call_each(session, std::vector<int32_t>(tokens.size(), stepwise), tokens);
      const bool same = same_bits(session.forward(together, tokens, true), rows);
      check.expect(same, label + ": a stretch of " + std::to_string(stretch) + " tokens after " + std::to_string(cached) +
                             " = one call per token, bit for bit", same ? "the same bits" : "logits differ");
      ok(xc_sequence_release(session.context(), stepwise), "release");
      ok(xc_sequence_release(session.context(), together), "release");
    }
  }
  const std::vector<int32_t> prompt = tokens_for(150, vocab, 8);
  const int parent = session.create();
  session.forward(parent, prompt);
  constexpr int kForks = 5, kStretch = 6;
  std::vector<int32_t> batched, alone;
  for (int b = 0; b <= kForks; b++) {
    for (std::vector<int32_t>* set : {&batched, &alone}) {
      int32_t sequence = -1;
      ok(xc_sequence_fork(session.context(), parent, 150, &sequence), "fork");
      set->push_back(sequence);
    }
  }
  const std::vector<int32_t> stretch = tokens_for(kStretch, vocab, 9);
  std::vector<int32_t> next;
  for (int b = 0; b < kForks; b++) next.push_back((b * 31 + 7) % vocab);
  std::vector<xc_batch_item> items;
  for (int b = 0; b < kForks; b++) items.push_back({batched[static_cast<size_t>(b)], &next[static_cast<size_t>(b)], 1, 0});
  items.push_back({batched[kForks], stretch.data(), kStretch, 1});
  std::vector<float> got(static_cast<size_t>(kForks + kStretch) * vocab);
  ok(xc_forward(session.context(), items.data(), static_cast<int>(items.size()), got.data(), nullptr), "decode batch");
  std::vector<int32_t> one_each(alone.begin(), alone.begin() + kForks), tokens = next;
  one_each.insert(one_each.end(), kStretch, alone[kForks]);
  tokens.insert(tokens.end(), stretch.begin(), stretch.end());
  const std::vector<float> expected = one_call_each(session, one_each, tokens);
  const bool same = same_bits(got, expected);
  check.expect(same, label + ": a stretch of " + std::to_string(kStretch) + " tokens in a decode batch of " +
                         std::to_string(kForks) + " forked sequences = each row alone, bit for bit",
               same ? "the same bits" : "logits differ");
}

// A prompt split over the pool (matmul bands sized to the thread count, the last bands' tokens in pieces,
// attention items costliest first, norms and residual adds token by token) gives the same bytes on 1, 2
// and 3 threads: every output element is computed by one thread in one fixed order. One call of two
// sequences, 150 and 90 tokens (runs of 64, so items of different costs), then one of 300 tokens (a long
// prompt: its 256-token chunk attends in runs of 32 on several threads), every position's logits.
void check_threads_agree(Checker& check, const std::string& path, const std::string& label) {
  const std::vector<std::vector<int>> prompts = {{150, 90}, {300}};
  for (const std::vector<int>& lengths : prompts) {
    std::vector<float> first;
    int total = 0;
    for (int length : lengths) total += length;
    const std::string what = lengths.size() == 2 ? "a two-sequence prefill" : "a 300-token prefill";
    for (int threads = 1; threads <= 3; threads++) {
      Session session(path, options(320, XC_KV_F16, threads));
      const int vocab = session.vocab();
      std::vector<std::vector<int32_t>> tokens;
      std::vector<xc_batch_item> items;
      for (size_t i = 0; i < lengths.size(); i++) tokens.push_back(tokens_for(lengths[i], vocab, 7 + static_cast<int>(i)));
      for (size_t i = 0; i < lengths.size(); i++) items.push_back({session.create(), tokens[i].data(), lengths[i], 1});
      std::vector<float> logits(static_cast<size_t>(total) * static_cast<size_t>(vocab));
      ok(xc_forward(session.context(), items.data(), static_cast<int>(items.size()), logits.data(), nullptr), what.c_str());
      if (threads == 1) {
        first = logits;
        continue;
      }
      const bool same = same_bits(first, logits);
      check.expect(same, label + ": " + what + " on " + std::to_string(threads) + " threads = on 1, bit for bit");
    }
  }
}

}  // namespace xch
