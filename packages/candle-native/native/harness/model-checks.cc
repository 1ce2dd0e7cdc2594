// End-to-end checks through the C API: the trained stories260K model against llama.cpp's greedy
// output, then consistency properties (prefill = decode, batch = separate calls, fork/truncate =
// recomputation, scalar = AVX2, quantized ≈ F32) on synthetic models of every architecture.
#include <cstring>
#include <limits>

#include "check.h"
#include "gguf-writer.h"
#include "session.h"

namespace xch {

namespace {

// node-llama-cpp's greedy continuation of BOS + [403, 407, 261, 378] on stories260K (F32).
const std::vector<int32_t> kStoriesPrompt = {1, 403, 407, 261, 378};
const std::vector<int32_t> kStoriesGreedy = {
    432, 383, 286, 261, 376, 298, 315, 421, 395, 317, 426, 338, 401, 396, 267, 337, 410, 408, 419, 292, 411, 322,
    265, 282, 295, 433, 426, 385, 328, 432, 358, 394, 261, 370, 432, 352, 266, 268, 388, 426, 338, 391, 266, 267,
    337, 335, 312, 432, 398, 312, 286, 267, 414, 270, 333, 415, 426, 13,  438, 310, 439, 419, 357, 336};

std::vector<int32_t> greedy(Session& session, const std::vector<int32_t>& prompt, size_t count) {
  const int sequence = session.create();
  std::vector<int32_t> out;
  std::vector<float> logits = session.forward(sequence, prompt);
  while (out.size() < count) {
    out.push_back(argmax(logits.data(), session.vocab()));
    logits = session.forward(sequence, {out.back()});
  }
  return out;
}

std::string first_difference(const std::vector<int32_t>& got, const std::vector<int32_t>& want) {
  for (size_t i = 0; i < want.size(); i++) {
    if (i >= got.size() || got[i] != want[i]) {
      return "first difference at " + std::to_string(i) + ": got " + (i < got.size() ? std::to_string(got[i]) : "-") +
             ", want " + std::to_string(want[i]);
    }
  }
  return "";
}

std::vector<int32_t> tokens_for(int count, int vocab, int salt) {
  std::vector<int32_t> tokens;
  for (int i = 0; i < count; i++) tokens.push_back((i * 7919 + salt * 104729 + 13) % vocab);
  return tokens;
}

// Properties every model must have, whatever its weights.
void check_consistency(Checker& check, const std::string& path, const std::string& label, double tolerance) {
  Session session(path, options());
  const int vocab = session.vocab();
  // 150 tokens span three 64-token KV pages; the fork and the truncation land inside pages
  const std::vector<int32_t> prompt = tokens_for(150, vocab, 1);

  // prefill of all tokens at once = one token at a time
  const int a = session.create();
  const std::vector<float> all = session.forward(a, prompt, true);
  const int b = session.create();
  double worst = 0;
  for (size_t i = 0; i < prompt.size(); i++) {
    const std::vector<float> row = session.forward(b, {prompt[i]});
    worst = std::max(worst, relative_l2(row.data(), all.data() + i * vocab, vocab));
  }
  check.expect(worst < tolerance, label + ": batched prefill = token-by-token decode", "rel L2 " + number(worst));

  // two sequences in one call = separate calls
  const std::vector<int32_t> other = tokens_for(9, vocab, 2);
  const int c = session.create();
  const int d = session.create();
  std::vector<float> both(2 * static_cast<size_t>(vocab));
  const xc_batch_item items[2] = {{c, prompt.data(), 97, 0}, {d, other.data(), 9, 0}};
  ok(xc_forward(session.context(), items, 2, both.data(), nullptr), "batch");
  const int e = session.create();
  const std::vector<float> alone = session.forward(e, other);
  const double batch_error = relative_l2(both.data() + vocab, alone.data(), vocab);
  check.expect(batch_error < tolerance, label + ": two sequences in one call = separate calls", "rel L2 " + number(batch_error));
  const double first_error = relative_l2(both.data(), all.data() + 96 * static_cast<size_t>(vocab), vocab);
  check.expect(first_error < tolerance, label + ": batch row of the first sequence", "rel L2 " + number(first_error));

  // fork shares a prefix; writing after the fork leaves the original untouched
  int32_t forked = -1;
  ok(xc_sequence_fork(session.context(), a, 100, &forked), "fork");
  const std::vector<float> after_fork = session.forward(forked, {prompt[5]});
  std::vector<int32_t> replay(prompt.begin(), prompt.begin() + 100);
  replay.push_back(prompt[5]);
  const int f = session.create();
  const std::vector<float> expected_fork = session.forward(f, replay);
  const double fork_error = relative_l2(after_fork.data(), expected_fork.data(), vocab);
  check.expect(fork_error < tolerance, label + ": fork(100) then append = recomputation", "rel L2 " + number(fork_error));
  const std::vector<float> original = session.forward(a, {prompt[3]});
  std::vector<int32_t> full = prompt;
  full.push_back(prompt[3]);
  ok(xc_sequence_release(session.context(), f), "release");
  const int g = session.create();
  const std::vector<float> expected_original = session.forward(g, full);
  const double original_error = relative_l2(original.data(), expected_original.data(), vocab);
  check.expect(original_error < tolerance, label + ": original sequence unaffected by its fork",
               "rel L2 " + number(original_error));

  // truncate then append = recomputation
  ok(xc_sequence_truncate(session.context(), a, 70), "truncate");
  const std::vector<float> truncated = session.forward(a, {prompt[30]});
  std::vector<int32_t> short_prompt(prompt.begin(), prompt.begin() + 70);
  short_prompt.push_back(prompt[30]);
  ok(xc_sequence_release(session.context(), g), "release");
  const int h = session.create();
  const std::vector<float> expected_truncated = session.forward(h, short_prompt);
  const double truncate_error = relative_l2(truncated.data(), expected_truncated.data(), vocab);
  check.expect(truncate_error < tolerance, label + ": truncate(70) then append = recomputation",
               "rel L2 " + number(truncate_error));
  check.expect(session.length(a) == 71, label + ": length after truncate + append");

  // Pages a released or truncated sequence dropped serve the next sequences; a page a fork still holds
  // is not handed out: the fork's continuation still equals recomputation after others wrote theirs.
  int32_t kept = -1;
  ok(xc_sequence_fork(session.context(), a, 71, &kept), "fork");
  ok(xc_sequence_truncate(session.context(), a, 10), "truncate");
  ok(xc_sequence_release(session.context(), h), "release");
  const int i = session.create();
  session.forward(i, tokens_for(130, vocab, 4));
  session.forward(a, tokens_for(120, vocab, 5));
  const std::vector<float> continued = session.forward(kept, {prompt[7]});
  std::vector<int32_t> kept_prompt = short_prompt;
  kept_prompt.push_back(prompt[7]);
  ok(xc_sequence_release(session.context(), i), "release");
  const int j = session.create();
  const std::vector<float> expected_kept = session.forward(j, kept_prompt);
  const double reuse_error = relative_l2(continued.data(), expected_kept.data(), vocab);
  check.expect(reuse_error < tolerance, label + ": recycled KV pages leave a fork's shared pages alone",
               "rel L2 " + number(reuse_error));
}

// A decode batch: `batch` sequences at different lengths, one token each in one call (the matmuls'
// multi-token tiles) = each sequence's token in a call of its own (the single-row dots).
void check_decode_batch(Checker& check, const std::string& path, const std::string& label, int batch, double tolerance) {
  Session session(path, xc_context_options{128, 2 * batch, 2, XC_KV_F32});
  const int vocab = session.vocab();
  std::vector<int32_t> batched, alone;
  std::vector<xc_batch_item> items;
  std::vector<int32_t> next(static_cast<size_t>(batch));
  for (int b = 0; b < batch; b++) {
    const std::vector<int32_t> prompt = tokens_for(3 + 5 * b, vocab, 10 + b);
    batched.push_back(session.create());
    alone.push_back(session.create());
    session.forward(batched.back(), prompt);
    session.forward(alone.back(), prompt);
    next[static_cast<size_t>(b)] = (b * 31 + 7) % vocab;
  }
  for (int b = 0; b < batch; b++) items.push_back({batched[static_cast<size_t>(b)], &next[static_cast<size_t>(b)], 1, 0});
  std::vector<float> rows(static_cast<size_t>(batch) * vocab);
  ok(xc_forward(session.context(), items.data(), batch, rows.data(), nullptr), "decode batch");
  double worst = 0;
  for (int b = 0; b < batch; b++) {
    const std::vector<float> row = session.forward(alone[static_cast<size_t>(b)], {next[static_cast<size_t>(b)]});
    worst = std::max(worst, relative_l2(rows.data() + static_cast<size_t>(b) * vocab, row.data(), vocab));
  }
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
  auto decode = [&](const std::vector<int32_t>& sequences) {
    std::vector<xc_batch_item> items;
    for (int b = 0; b < batch; b++) items.push_back({sequences[static_cast<size_t>(b)], &next[static_cast<size_t>(b)], 1, 0});
    std::vector<float> rows(static_cast<size_t>(batch) * vocab);
    ok(xc_forward(session.context(), items.data(), batch, rows.data(), nullptr), "decode batch");
    return rows;
  };
  const std::vector<float> shared = decode(forked), separate = decode(copied);
  const bool same = std::memcmp(shared.data(), separate.data(), sizeof(float) * shared.size()) == 0;
  check.expect(same, label + ": decode batch of " + std::to_string(batch) + " forked sequences = the same batch without shared pages, bit for bit",
               same ? "the same bits" : "logits differ");
  double worst = 0;
  for (int b = 0; b < batch; b++) {
    const std::vector<float> row = session.forward(alone[static_cast<size_t>(b)], {next[static_cast<size_t>(b)]});
    worst = std::max(worst, relative_l2(shared.data() + static_cast<size_t>(b) * vocab, row.data(), vocab));
  }
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
// bit, every row: after 150 cached keys (one slice) and after 400 (decode split into slices; the
// stretch's rows are sliced as a row alone is); and in a decode batch beside sequences forked from the
// same prompt (the stretch's rows attend with theirs over the shared pages) = each row alone. For the
// weight types whose decode-batch matmul rows have a single token's bits (F16, BF16 and Q6_K tiles of
// 4 tokens sum in another order: their decode batches differ from one call each by ~3e-7 already).
void check_stretch_as_decode_rows(Checker& check, const std::string& path, const std::string& label) {
  Session session(path, xc_context_options{512, 16, 2, XC_KV_F16});
  const int vocab = session.vocab();
  auto same_bits = [](const std::vector<float>& a, const std::vector<float>& b) {
    return a.size() == b.size() && std::memcmp(a.data(), b.data(), sizeof(float) * a.size()) == 0;
  };
  // after 250 cached tokens a stretch's later rows reach 256 keys, where a row alone gets a second key slice
  for (const int cached : {150, 250, 400}) {
    const std::vector<int32_t> prompt = tokens_for(cached, vocab, 6);
    for (const int stretch : {2, 6, 16}) {
      const std::vector<int32_t> tokens = tokens_for(stretch, vocab, 7);
      const int stepwise = session.create(), together = session.create();
      session.forward(stepwise, prompt);
      session.forward(together, prompt);
      std::vector<float> rows;
      for (const int32_t token : tokens) {
        const std::vector<float> row = session.forward(stepwise, {token});
        rows.insert(rows.end(), row.begin(), row.end());
      }
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
  std::vector<float> expected;
  for (int b = 0; b < kForks; b++) {
    const std::vector<float> row = session.forward(alone[static_cast<size_t>(b)], {next[static_cast<size_t>(b)]});
    expected.insert(expected.end(), row.begin(), row.end());
  }
  for (const int32_t token : stretch) {
    const std::vector<float> row = session.forward(alone[kForks], {token});
    expected.insert(expected.end(), row.begin(), row.end());
  }
  const bool same = same_bits(got, expected);
  check.expect(same, label + ": a stretch of " + std::to_string(kStretch) + " tokens in a decode batch of " +
                         std::to_string(kForks) + " forked sequences = each row alone, bit for bit",
               same ? "the same bits" : "logits differ");
}

// Logits of the whole prompt under the scalar and the best kernels.
void check_scalar_agrees(Checker& check, const std::string& path, const std::string& label, double tolerance) {
  Session fast(path, options());
  Session scalar(path, options(), kernels("scalar"));
  const std::vector<int32_t> prompt = tokens_for(20, fast.vocab(), 3);
  const std::vector<float> a = fast.forward(fast.create(), prompt, true);
  const std::vector<float> b = scalar.forward(scalar.create(), prompt, true);
  const double error = relative_l2(a.data(), b.data(), a.size());
  check.expect(error < tolerance, label + ": scalar kernels = " + std::string(xc_build_info()).substr(0, 0) + "best kernels",
               "rel L2 " + number(error));
}

// Logits of the whole prompt with the weights re-laid in the interleaved layout (where the CPU's kernels use
// it) and with them as in the file.
void check_interleaved_agrees(Checker& check, const std::string& path, const std::string& label, double tolerance) {
  xc_model_options relaid{};
  relaid.keep_file_layout = -1;
  xc_model_options file_layout{};
  file_layout.keep_file_layout = 1;
  Session interleaved(path, options(), relaid);
  Session ggml(path, options(), file_layout);
  const std::vector<int32_t> prompt = tokens_for(20, interleaved.vocab(), 5);
  const std::vector<float> a = interleaved.forward(interleaved.create(), prompt, true);
  const std::vector<float> b = ggml.forward(ggml.create(), prompt, true);
  const double error = relative_l2(a.data(), b.data(), a.size());
  check.expect(error < tolerance, label + ": interleaved layout = file layout", "rel L2 " + number(error));
  // the model is laid out for the table it names: the scalar table has no interleaved tiles
  check.expect(ggml.info().relaid_bytes == 0, label + ": keep_file_layout = 1 re-lays nothing");
  Session scalar(path, options(), kernels("scalar"));
  check.expect(scalar.info().relaid_bytes == 0, label + ": a model loaded for the scalar table re-lays nothing");
}

}  // namespace

// xc_forward_argmax = the argmax of xc_forward's rows (two contexts running the same batches), for
// 'all' and 'last' items; its greedy loop gives llama.cpp's tokens; a null output fails before any
// sequence moves.
void check_forward_argmax(Checker& check, const std::string& path) {
  Session logits_session(path, xc_context_options{128, 4, 2, XC_KV_F32});
  Session argmax_session(path, xc_context_options{128, 4, 2, XC_KV_F32});
  const int vocab = logits_session.vocab();
  const std::vector<int32_t> first = tokens_for(9, vocab, 1), second = tokens_for(4, vocab, 2);
  const int a = logits_session.create(), b = logits_session.create();
  const int c = argmax_session.create(), d = argmax_session.create();
  bool same = true;
  for (int step = 0; step < 3; step++) {
    const std::vector<int32_t> x = step == 0 ? first : std::vector<int32_t>{step * 11};
    const std::vector<int32_t> y = step == 0 ? second : std::vector<int32_t>{step * 13};
    const xc_batch_item ab[2] = {{a, x.data(), static_cast<int32_t>(x.size()), 1}, {b, y.data(), static_cast<int32_t>(y.size()), 0}};
    const xc_batch_item cd[2] = {{c, x.data(), static_cast<int32_t>(x.size()), 1}, {d, y.data(), static_cast<int32_t>(y.size()), 0}};
    const size_t rows = x.size() + 1;
    std::vector<float> logits(rows * static_cast<size_t>(vocab));
    std::vector<int32_t> ids(rows, -1);
    ok(xc_forward(logits_session.context(), ab, 2, logits.data(), nullptr), "forward");
    ok(xc_forward_argmax(argmax_session.context(), cd, 2, ids.data(), nullptr), "forward_argmax");
    for (size_t r = 0; r < rows; r++) same &= ids[r] == argmax(logits.data() + r * static_cast<size_t>(vocab), vocab);
  }
  check.expect(same, "stories260K: xc_forward_argmax = argmax of xc_forward's rows ('all' and 'last')");

  // Masked: each row's pick is the largest allowed logit of xc_forward's row (rows of 'all' items share
  // the item's mask in the addon, but the C API takes one per row); an empty mask gives -1.
  {
    Session plain(path, xc_context_options{128, 2, 2, XC_KV_F32});
    Session masked(path, xc_context_options{128, 2, 2, XC_KV_F32});
    const size_t words = (static_cast<size_t>(vocab) + 31) / 32;
    const std::vector<int32_t> prompt = tokens_for(5, vocab, 3);
    const int p = plain.create(), m = masked.create();
    const xc_batch_item pi{p, prompt.data(), static_cast<int32_t>(prompt.size()), 1};
    const xc_batch_item mi{m, prompt.data(), static_cast<int32_t>(prompt.size()), 1};
    std::vector<float> logits(prompt.size() * static_cast<size_t>(vocab));
    ok(xc_forward(plain.context(), &pi, 1, logits.data(), nullptr), "forward");
    std::vector<std::vector<uint32_t>> masks(prompt.size(), std::vector<uint32_t>(words, 0));
    std::vector<const uint32_t*> allowed(prompt.size());
    std::vector<int32_t> want(prompt.size());
    for (size_t r = 0; r < prompt.size(); r++) {
      const float* row = logits.data() + r * static_cast<size_t>(vocab);
      // Every third token allowed, except the row's own argmax, so the pick must move.
      for (int i = static_cast<int>(r); i < vocab; i += 3) masks[r][static_cast<size_t>(i) >> 5] |= 1u << (i & 31);
      const int top = argmax(row, vocab);
      masks[r][static_cast<size_t>(top) >> 5] &= ~(1u << (top & 31));
      int32_t best = 0;
      float best_value = -std::numeric_limits<float>::infinity();
      for (int i = 0; i < vocab; i++)
        if (((masks[r][static_cast<size_t>(i) >> 5] >> (i & 31)) & 1u) != 0 && row[i] > best_value)
          best_value = row[i], best = i;
      want[r] = best;
      allowed[r] = masks[r].data();
    }
    masks[1].assign(words, 0);
    want[1] = -1;
    allowed[2] = nullptr;
    want[2] = argmax(logits.data() + 2 * static_cast<size_t>(vocab), vocab);
    std::vector<int32_t> got(prompt.size(), -2);
    ok(xc_forward_argmax_masked(masked.context(), &mi, 1, allowed.data(), got.data(), nullptr), "forward_argmax_masked");
    check.expect(got == want,
                 "stories260K: xc_forward_argmax_masked = the largest allowed logit of each xc_forward row "
                 "(a null mask: the plain argmax; an empty one: -1)",
                 first_difference(got, want));
  }

  std::vector<int32_t> got;
  const int sequence = argmax_session.create();
  std::vector<int32_t> feed = kStoriesPrompt;
  while (got.size() < kStoriesGreedy.size()) {
    int32_t id = -1;
    const xc_batch_item item{sequence, feed.data(), static_cast<int32_t>(feed.size()), 0};
    ok(xc_forward_argmax(argmax_session.context(), &item, 1, &id, nullptr), "greedy step");
    got.push_back(id);
    feed = {id};
  }
  check.expect(got == kStoriesGreedy, "stories260K greedy 64 tokens through xc_forward_argmax",
               first_difference(got, kStoriesGreedy));
  const int32_t token = 5;
  const xc_batch_item item{c, &token, 1, 0};
  const int before = argmax_session.length(c);
  check.expect_code(xc_forward_argmax(argmax_session.context(), &item, 1, nullptr, nullptr), XC_ERR_INVALID_ARGUMENT,
                    "xc_forward_argmax with no token_ids buffer");
  check.expect(argmax_session.length(c) == before, "xc_forward_argmax with no buffer leaves the sequence");
}

// Sparse masks (every row's allowed tokens in at most an eighth of the output head's groups of 16): the
// forward computes only those groups' logits (llama_forward's masked head), and each pick is still the
// largest allowed logit of xc_forward's full row. Rows of a prompt ('all') and of a second sequence's
// decode step in one call, tokens from the first and the last group, one row allowing none.
void check_sparse_head_argmax(Checker& check, const std::string& path, const std::string& label) {
  Session plain(path, xc_context_options{128, 2, 2, XC_KV_F32});
  Session masked(path, xc_context_options{128, 2, 2, XC_KV_F32});
  const int vocab = plain.vocab();
  const size_t words = (static_cast<size_t>(vocab) + 31) / 32;
  const std::vector<int32_t> prompt = tokens_for(12, vocab, 5);
  const int32_t next = 7;
  const int p1 = plain.create(), p2 = plain.create(), m1 = masked.create(), m2 = masked.create();
  plain.forward(p2, {3, 4}), masked.forward(m2, {3, 4});
  const xc_batch_item plain_items[2] = {{p1, prompt.data(), static_cast<int32_t>(prompt.size()), 1}, {p2, &next, 1, 0}};
  const xc_batch_item masked_items[2] = {{m1, prompt.data(), static_cast<int32_t>(prompt.size()), 1}, {m2, &next, 1, 0}};
  const size_t rows = prompt.size() + 1;
  std::vector<float> logits(rows * static_cast<size_t>(vocab));
  ok(xc_forward(plain.context(), plain_items, 2, logits.data(), nullptr), "forward");
  std::vector<std::vector<uint32_t>> masks(rows, std::vector<uint32_t>(words, 0));
  std::vector<const uint32_t*> allowed(rows);
  std::vector<int32_t> want(rows, -1);
  for (size_t r = 0; r < rows; r++) {
    const float* row = logits.data() + r * static_cast<size_t>(vocab);
    if (r != 3) {
      for (int i = 0; i < 16; i += 1 + static_cast<int>(r % 3)) {
        for (const int token : {i, vocab - 16 + i}) masks[r][static_cast<size_t>(token) >> 5] |= 1u << (token & 31);
      }
    }
    float best_value = -std::numeric_limits<float>::infinity();
    for (int i = 0; i < vocab; i++) {
      if (((masks[r][static_cast<size_t>(i) >> 5] >> (i & 31)) & 1u) != 0 && row[i] > best_value) best_value = row[i], want[r] = i;
    }
    allowed[r] = masks[r].data();
  }
  std::vector<int32_t> got(rows, -2);
  ok(xc_forward_argmax_masked(masked.context(), masked_items, 2, allowed.data(), got.data(), nullptr), "forward_argmax_masked");
  check.expect(got == want, label + ": xc_forward_argmax_masked with sparse masks (two groups of the head) = the largest "
                                    "allowed logit of each xc_forward row",
               first_difference(got, want));
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
      const bool same = std::memcmp(first.data(), logits.data(), sizeof(float) * first.size()) == 0;
      check.expect(same, label + ": " + what + " on " + std::to_string(threads) + " threads = on 1, bit for bit");
    }
  }
}

void run_model_checks(Checker& check, const std::string& gguf_path, const std::string& temp_dir) {
  // stories260K: exact greedy tokens with each KV type and kernel set
  for (int variant = 0; variant < 3; variant++) {
    const xc_kv_type kv = variant == 1 ? XC_KV_F16 : XC_KV_F32;
    const bool scalar = variant == 2;
    const std::string label = std::string("stories260K greedy 64 tokens, kv ") + (kv == XC_KV_F16 ? "f16" : "f32") +
                              (scalar ? ", scalar kernels" : "");
    Session session(gguf_path, options(256, kv), kernels(scalar ? "scalar" : nullptr));
    const std::vector<int32_t> got = greedy(session, kStoriesPrompt, kStoriesGreedy.size());
    check.expect(got == kStoriesGreedy, label, first_difference(got, kStoriesGreedy));
  }
  {
    Session session(gguf_path, options());
    const xc_model_info& info = session.info();
    check.expect(std::strcmp(info.architecture, "llama") == 0 && info.vocab_size == 512 && info.layer_count == 5 &&
                     info.head_count == 8 && info.head_count_kv == 4 && info.embedding_length == 64 &&
                     std::strcmp(info.weight_type, "F32") == 0 && std::strcmp(info.device, "cpu") == 0,
                 "stories260K model info");
  }
  check_consistency(check, gguf_path, "stories260K", 1e-4);
  check_forward_argmax(check, gguf_path);
  check_sparse_head_argmax(check, gguf_path, "stories260K");
  check_scalar_agrees(check, gguf_path, "stories260K", 1e-5);

  // every architecture, F32 weights, through the same properties
  for (const char* arch : {"llama", "qwen2", "qwen3", "phi3", "gemma2", "gemma3"}) {
    SynthSpec spec;
    spec.architecture = arch;
    spec.tied_embeddings = std::strcmp(arch, "qwen2") == 0 || std::strncmp(arch, "gemma", 5) == 0;
    const std::string path = temp_dir + "/" + arch + "-f32.gguf";
    write_synth_model(spec, path);
    check_consistency(check, path, std::string(arch) + " F32", 1e-4);
    check_split_decode(check, path, std::string(arch) + " F32", 1e-4);
    check_scalar_agrees(check, path, std::string(arch) + " F32", 1e-5);
  }

  // every weight type against F32 weights drawn from the same numbers
  SynthSpec spec;
  spec.embedding = 256, spec.heads = 4, spec.kv_heads = 2, spec.feed_forward = 512, spec.vocab = 320;
  const std::string reference_path = temp_dir + "/wide-f32.gguf";
  write_synth_model(spec, reference_path);
  Session reference(reference_path, options());
  const std::vector<int32_t> prompt = tokens_for(24, reference.vocab(), 4);
  const std::vector<float> expected = reference.forward(reference.create(), prompt, true);
  const struct {
    xc::GgmlType type;
    const char* name;
    double tolerance;
  } types[] = {{xc::GgmlType::F16, "F16", 5e-3},   {xc::GgmlType::BF16, "BF16", 3e-2},
               {xc::GgmlType::Q8_0, "Q8_0", 3e-2}, {xc::GgmlType::Q6_K, "Q6_K", 6e-2},
               {xc::GgmlType::Q5_0, "Q5_0", 0.15}, {xc::GgmlType::Q4_0, "Q4_0", 0.25},
               {xc::GgmlType::Q4_K, "Q4_K", 0.25}};
  for (const auto& t : types) {
    spec.type = t.type;
    const std::string path = temp_dir + "/wide-" + t.name + ".gguf";
    write_synth_model(spec, path);
    Session session(path, options());
    const std::vector<float> got = session.forward(session.create(), prompt, true);
    const double error = relative_l2(got.data(), expected.data(), got.size());
    check.expect(error < t.tolerance, std::string(t.name) + " weights ≈ F32 weights",
                 "rel L2 " + number(error) + " (tolerance " + number(t.tolerance) + ")");
    check.expect(std::strcmp(session.info().weight_type, t.name) == 0, std::string(t.name) + " model info weight type",
                 session.info().weight_type);
    // same integer sums in another float order, as below: one activation rounding flip moves a
    // quantized model by ~1e-2 (measured 5e-3 to 1.2e-2), far more than an f32 one
    check_scalar_agrees(check, path, t.name, 2e-2);
    // same integer sums in another float order: 0 to 1e-7, or ~1e-2 after an activation rounding flip;
    // a wrong layout would be O(1)
    check_interleaved_agrees(check, path, t.name, 2e-2);
    // batched and single-token paths sum in different orders; a flipped activation rounding then
    // moves quantized logits by 1e-2 to 3e-2, while a structural bug (position, KV row) moves them by O(1)
    check_consistency(check, path, t.name, 5e-2);
    for (int batch : {3, 8, 13}) check_decode_batch(check, path, t.name, batch, 5e-2);
    const bool batch_bits = t.type == xc::GgmlType::Q8_0 || t.type == xc::GgmlType::Q5_0 ||
                            t.type == xc::GgmlType::Q4_0 || t.type == xc::GgmlType::Q4_K;
    if (batch_bits) check_stretch_as_decode_rows(check, path, t.name);
    check_sparse_head_argmax(check, path, t.name);
  }

  // A vocabulary that is no multiple of 8 or 16 (the head keeps a layout with a partial last group): the
  // sparse head's last slice ends inside a group of 16 (3 of 64 groups allowed: the sparse path).
  for (const xc::GgmlType type : {xc::GgmlType::Q8_0, xc::GgmlType::Q6_K, xc::GgmlType::Q4_K}) {
    SynthSpec odd = spec;
    odd.type = type, odd.vocab = 1011;
    const std::string name = std::string(xc::ggml_type_name(type)) + " vocab 1011";
    const std::string path = temp_dir + "/odd-vocab-" + xc::ggml_type_name(type) + ".gguf";
    write_synth_model(odd, path);
    check_sparse_head_argmax(check, path, name);
  }

  // SmolLM2's widths (576 rows: 36 groups of 16, bands that do not split evenly in 64s), Q8_0, with and
  // without the post-norms gemma2 adds before each residual add
  for (const char* arch : {"llama", "gemma2"}) {
    SynthSpec smol;
    smol.architecture = arch;
    smol.embedding = 576, smol.heads = 9, smol.kv_heads = 3, smol.feed_forward = 1536, smol.vocab = 320;
    smol.type = xc::GgmlType::Q8_0;
    const std::string path = temp_dir + "/smol-" + arch + "-Q8_0.gguf";
    write_synth_model(smol, path);
    check_threads_agree(check, path, std::string(arch) + " 576-wide Q8_0");
  }

  // rows of 320: two whole interleaved groups and a tail of two ggml blocks, as SmolLM2's 576 has
  for (const auto type : {xc::GgmlType::Q8_0, xc::GgmlType::Q4_0}) {
    SynthSpec tail;
    tail.embedding = 320, tail.heads = 5, tail.kv_heads = 1, tail.feed_forward = 640, tail.vocab = 320, tail.type = type;
    const std::string name = type == xc::GgmlType::Q8_0 ? "Q8_0" : "Q4_0";
    const std::string path = temp_dir + "/tail-" + name + ".gguf";
    write_synth_model(tail, path);
    for (int batch : {4, 8, 16}) check_decode_batch(check, path, name + " rows with a tail", batch, 5e-2);
    for (int batch : {3, 5, 8, 10, 16}) check_forked_decode_batch(check, path, name + " 5 heads per kv head", batch, 5e-2);
  }
}

}  // namespace xch
