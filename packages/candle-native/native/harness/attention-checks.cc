// The SIMD attention kernels (AVX2, AVX-512) against the scalar table over the shapes the models use:
// 1 to 2,049 keys across pages that do not line up with the kernels' 64-key blocks, 1, 3 and 7 query
// heads per kv head, head sizes 64 and 128, one decode token and runs of query tokens, with a sliding
// window and a softcap; and each key slice's softmax stats against the scalar's.
#include <algorithm>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "common/fp16.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kernel-table.h"

namespace xch {

namespace {

struct Cache {
  std::vector<std::vector<uint8_t>> storage;
  std::vector<const uint8_t*> pages;
  xc::cpu::KvHeadView view;
};

// One kv head of f16 K/V, `positions` keys in pages of 48 (K rows then V rows per page).
Cache make_cache(int positions, int hd, std::mt19937& engine) {
  constexpr int kPageTokens = 48;
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  Cache cache;
  const int pages = (positions + kPageTokens - 1) / kPageTokens;
  for (int p = 0; p < pages; p++) {
    std::vector<uint8_t> page(2 * kPageTokens * hd * 2);
    auto* halves = reinterpret_cast<uint16_t*>(page.data());
    for (size_t i = 0; i < page.size() / 2; i++) halves[i] = xc::f32_to_fp16(dist(engine));
    cache.storage.push_back(std::move(page));
  }
  for (auto& page : cache.storage) cache.pages.push_back(page.data());
  cache.view = xc::cpu::KvHeadView{cache.pages.data(), kPageTokens, 0, kPageTokens * hd * 2, hd, true};
  return cache;
}

void check_table(Checker& check, const xc::KernelTable& kernels) {
  std::mt19937 engine(11);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const xc::KernelTable& scalar = xc::scalar_kernels();
  double decode_worst = 0, stats_worst = 0, tokens_worst = 0;
  for (int hd : {64, 128}) {
    for (int positions : {1, 7, 64, 513, 2049}) {
      const Cache cache = make_cache(positions, hd, engine);
      for (int group : {1, 3, 7}) {
        for (const auto& [window, cap] : {std::pair{0, 0.0f}, std::pair{100, 0.0f}, std::pair{0, 30.0f}}) {
          // one decode token at the last position
          std::vector<float> q(static_cast<size_t>(16 * group * hd));
          for (float& v : q) v = dist(engine);
          const int last = positions - 1, first = window > 0 ? std::max(0, last - window + 1) : 0;
          std::vector<float> fast(group * hd), slow(group * hd);
          xc::cpu::attention_heads(kernels, cache.view, q.data(), group, first, last, 0.125f, cap, fast.data());
          xc::cpu::attention_heads(scalar, cache.view, q.data(), group, first, last, 0.125f, cap, slow.data());
          decode_worst = std::max(decode_worst, relative_l2(fast.data(), slow.data(), fast.size()));
          // the keys' second half as a slice: its output and stats
          const int from = (first + last + 1) / 2;
          std::vector<float> fast_stats(2 * group), slow_stats(2 * group);
          xc::cpu::attention_slice(kernels, cache.view, q.data(), group, from, last, 0.125f, cap, fast.data(), fast_stats.data());
          xc::cpu::attention_slice(scalar, cache.view, q.data(), group, from, last, 0.125f, cap, slow.data(), slow_stats.data());
          decode_worst = std::max(decode_worst, relative_l2(fast.data(), slow.data(), fast.size()));
          stats_worst = std::max(stats_worst, relative_l2(fast_stats.data(), slow_stats.data(), fast_stats.size()));
          // runs of 5 and 16 query tokens ending at the last position
          for (int tokens : {5, 16}) {
            if (tokens > positions) continue;
            int firsts[16], lasts[16];
            for (int i = 0; i < tokens; i++) {
              lasts[i] = positions - tokens + i;
              firsts[i] = window > 0 ? std::max(0, lasts[i] - window + 1) : 0;
            }
            const int64_t stride = static_cast<int64_t>(group) * hd;
            std::vector<float> many_fast(tokens * stride), many_slow(tokens * stride);
            xc::cpu::attention_tokens(kernels, cache.view, q.data(), stride, tokens, group, firsts, lasts, 0.125f, cap,
                                      many_fast.data(), stride);
            xc::cpu::attention_tokens(scalar, cache.view, q.data(), stride, tokens, group, firsts, lasts, 0.125f, cap,
                                      many_slow.data(), stride);
            tokens_worst = std::max(tokens_worst, relative_l2(many_fast.data(), many_slow.data(), many_fast.size()));
          }
        }
      }
    }
  }
  const std::string shapes = std::string(kernels.name) + ", f16 KV, 1–2,049 keys, 1/3/7 heads per kv head, head dim 64/128";
  check.expect(decode_worst < 1e-5, "decode attention and key slices = scalar twin, " + shapes, "rel L2 " + number(decode_worst));
  check.expect(stats_worst < 1e-5, "key slice softmax stats = scalar twin, " + shapes, "rel L2 " + number(stats_worst));
  check.expect(tokens_worst < 1e-5, "attention of 5 and 16 query tokens = scalar twin, " + shapes, "rel L2 " + number(tokens_worst));
}

}  // namespace

void run_attention_checks(Checker& check) {
  if (const xc::KernelTable* avx2 = xc::avx2_kernels()) check_table(check, *avx2);
  if (const xc::KernelTable* avx512 = xc::avx512_kernels()) check_table(check, *avx512);
}

}  // namespace xch
