// xc_forward_argmax against xc_forward's rows, dense and through the masked output head.
#include <cstring>
#include <limits>

#include "model-checks.h"
#include "session.h"

namespace xch {

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

}  // namespace xch
