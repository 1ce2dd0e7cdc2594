// The SIMD attention kernels (AVX2, AVX-512) against the scalar table over the shapes the models use:
// 1 to 2,049 keys across pages that do not line up with the kernels' 64-key blocks, 1, 3 and 7 query
// heads per kv head, head sizes 64 and 128, one decode token and runs of query tokens, with a sliding
// window and a softcap; and each key slice's softmax stats against the scalar's.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
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

// One kv head of f16 (or f32) K/V, `positions` keys in pages of 48 (K rows then V rows per page).
Cache make_cache(int positions, int hd, std::mt19937& engine, bool f16 = true) {
  constexpr int kPageTokens = 48;
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  Cache cache;
  const int element = f16 ? 2 : 4;
  const int pages = (positions + kPageTokens - 1) / kPageTokens;
  for (int p = 0; p < pages; p++) {
    std::vector<uint8_t> page(2 * kPageTokens * hd * element);
    auto* halves = reinterpret_cast<uint16_t*>(page.data());
    auto* floats = reinterpret_cast<float*>(page.data());
    for (size_t i = 0; i < page.size() / element; i++) {
      if (f16) halves[i] = xc::f32_to_fp16(dist(engine));
      else floats[i] = dist(engine);
    }
    cache.storage.push_back(std::move(page));
  }
  for (auto& page : cache.storage) cache.pages.push_back(page.data());
  cache.view = xc::cpu::KvHeadView{cache.pages.data(), kPageTokens, 0, kPageTokens * hd * element, hd, f16};
  return cache;
}

// Long runs of query tokens (a prompt's suffix over a long cached prefix, the AVX-512 kernel's
// tiles of rows): 17–100 tokens ending anywhere in 1,056 or 2,049 keys, 1/2/3/7 heads per kv head,
// f16 and f32 caches, a sliding window and a softcap; outputs poisoned (NaN) before each run.
double check_long_runs(const xc::KernelTable& kernels, std::mt19937& engine) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  const xc::KernelTable& scalar = xc::scalar_kernels();
  double worst = 0;
  for (int hd : {64, 128}) {
    for (const auto& [positions, f16] : {std::pair{1056, true}, std::pair{2049, true}, std::pair{700, false}}) {
      const Cache cache = make_cache(positions, hd, engine, f16);
      for (int group : {1, 2, 3, 7}) {
        for (const auto& [window, cap] : {std::pair{0, 0.0f}, std::pair{100, 0.0f}, std::pair{0, 30.0f}}) {
          for (const auto& [tokens, end] : {std::pair{56, positions}, std::pair{64, positions - 37}, std::pair{17, 130},
                                             std::pair{100, positions - 5}}) {
            std::vector<int> firsts(tokens), lasts(tokens);
            for (int i = 0; i < tokens; i++) {
              lasts[i] = end - tokens + i;
              firsts[i] = window > 0 ? std::max(0, lasts[i] - window + 1) : 0;
            }
            const int64_t stride = static_cast<int64_t>(group) * hd;
            std::vector<float> q(tokens * stride);
            for (float& v : q) v = dist(engine);
            std::vector<float> fast(tokens * stride, std::numeric_limits<float>::quiet_NaN()), slow(fast);
            xc::cpu::attention_tokens(kernels, cache.view, q.data(), stride, tokens, group, firsts.data(), lasts.data(),
                                      0.125f, cap, fast.data(), stride);
            xc::cpu::attention_tokens(scalar, cache.view, q.data(), stride, tokens, group, firsts.data(), lasts.data(),
                                      0.125f, cap, slow.data(), stride);
            const double e = relative_l2(fast.data(), slow.data(), fast.size());
            worst = std::max(worst, e == e ? e : 1.0);  // a NaN left in the output fails
          }
        }
      }
    }
  }
  return worst;
}

// Runs whose first key scores highest for every row (an attention sink): after the first block no
// row's max moves, so the AVX-512 kernel's blocks skip the rescaling of their sums. 40 and 100 tokens
// over 1,056 keys, 1/2/3 heads per kv head, head dims 64 and 128.
double check_sink_runs(const xc::KernelTable& kernels, std::mt19937& engine) {
  std::uniform_real_distribution<float> dist(-0.3f, 0.3f);
  double worst = 0;
  for (int hd : {64, 128}) {
    Cache cache = make_cache(1056, hd, engine);
    auto* sink = const_cast<uint8_t*>(cache.pages[0]);  // key 0 = 20·u, u = (1/√hd, …)
    for (int d = 0; d < hd; d++) reinterpret_cast<uint16_t*>(sink)[d] = xc::f32_to_fp16(20.0f / std::sqrt(static_cast<float>(hd)));
    for (int group : {1, 2, 3}) {
      for (int tokens : {40, 100}) {
        const int64_t stride = static_cast<int64_t>(group) * hd;
        std::vector<float> q(tokens * stride);
        for (size_t i = 0; i < q.size(); i++) q[i] = 3.0f / std::sqrt(static_cast<float>(hd)) + dist(engine);
        std::vector<int> firsts(tokens, 0), lasts(tokens);
        for (int i = 0; i < tokens; i++) lasts[i] = 1056 - tokens + i;
        std::vector<float> fast(tokens * stride, std::numeric_limits<float>::quiet_NaN()), slow(fast);
        xc::cpu::attention_tokens(kernels, cache.view, q.data(), stride, tokens, group, firsts.data(), lasts.data(), 0.125f,
                                  0.0f, fast.data(), stride);
        xc::cpu::attention_tokens(xc::scalar_kernels(), cache.view, q.data(), stride, tokens, group, firsts.data(),
                                  lasts.data(), 0.125f, 0.0f, slow.data(), stride);
        const double e = relative_l2(fast.data(), slow.data(), fast.size());
        worst = std::max(worst, e == e ? e : 1.0);
      }
    }
  }
  return worst;
}

// Decode rows together (cpu::attention_decode_rows) against each row alone through attention_tokens,
// bit for bit: ten rows (more than the kernel's eight at once) over pages of 48 keys (its 64-key
// blocks straddle them): sharing every page, holding copies of the same pages (same keys, no page
// shared), sharing a prefix then pages of their own, ending anywhere (one key included); 1/2/3/7
// heads per kv head, head dim 64/128, a softcap, and a sliding window (rows with different first
// keys). Returns the number of rows that differ.
int check_decode_rows(const xc::KernelTable& kernels, std::mt19937& engine) {
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  int differing = 0;
  for (int hd : {64, 128}) {
    const Cache base = make_cache(1100, hd, engine), other = make_cache(1100, hd, engine);
    Cache copy = base;  // the same keys at other addresses
    for (size_t p = 0; p < copy.storage.size(); p++) copy.pages[p] = copy.storage[p].data();
    auto forked = [&](size_t shared_pages, const Cache& rest) {
      std::vector<const uint8_t*> table(base.pages.begin(), base.pages.begin() + static_cast<std::ptrdiff_t>(shared_pages));
      table.insert(table.end(), rest.pages.begin() + static_cast<std::ptrdiff_t>(shared_pages), rest.pages.end());
      return table;
    };
    const std::vector<const uint8_t*> tables[] = {base.pages, copy.pages, forked(10, other), forked(3, copy), other.pages};
    // (table, last key) per row
    const std::pair<int, int> shapes[] = {{0, 1099}, {0, 1099}, {1, 1099}, {2, 1050}, {2, 1050},
                                          {0, 977},  {0, 0},    {3, 130},  {0, 1099}, {4, 500}};
    constexpr int kRows = 10;
    for (int group : {1, 2, 3, 7}) {
      for (const auto& [window, cap] : {std::pair{0, 0.0f}, std::pair{0, 30.0f}, std::pair{100, 0.0f}}) {
        const int64_t stride = static_cast<int64_t>(group) * hd;
        std::vector<float> q(kRows * stride), together(q.size(), std::numeric_limits<float>::quiet_NaN()), alone(together);
        for (float& v : q) v = dist(engine);
        xc::cpu::DecodeRow rows[kRows];
        for (int r = 0; r < kRows; r++) {
          const auto& [table, last] = shapes[r];
          xc::cpu::KvHeadView view = base.view;
          view.pages = tables[table].data();
          rows[r] = {view, q.data() + r * stride, together.data() + r * stride, window > 0 ? std::max(0, last - window + 1) : 0, last};
        }
        xc::cpu::attention_decode_rows(kernels, rows, kRows, group, 0.125f, cap);
        for (int r = 0; r < kRows; r++) {
          float* out = alone.data() + r * stride;
          xc::cpu::attention_tokens(kernels, rows[r].kv, rows[r].q, stride, 1, group, &rows[r].first, &rows[r].last, 0.125f,
                                    cap, out, stride);
          differing += std::memcmp(out, rows[r].out, sizeof(float) * static_cast<size_t>(stride)) != 0;
        }
      }
    }
  }
  return differing;
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
          // runs of 2, 5 and 16 query tokens ending at the last position
          for (int tokens : {2, 5, 16}) {
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
  check.expect(tokens_worst < 1e-5, "attention of 2, 5 and 16 query tokens = scalar twin, " + shapes, "rel L2 " + number(tokens_worst));
  const int differing = check_decode_rows(kernels, engine);
  check.expect(differing == 0, std::string("decode rows together = each row alone, bit for bit, ") + kernels.name +
                                   ": shared, copied and forked pages of 48 keys, 10 rows, 1/2/3/7 heads, head dim 64/128, softcap, window",
               std::to_string(differing) + " rows differ");
  const double long_worst = check_long_runs(kernels, engine);
  check.expect(long_worst < 1e-5, std::string("attention of 17–100 query tokens over up to 2,049 keys = scalar twin, ") + kernels.name +
                                      ", f16 and f32 KV, 1/2/3/7 heads per kv head, window, softcap",
               "rel L2 " + number(long_worst));
  const double sink_worst = check_sink_runs(kernels, engine);
  check.expect(sink_worst < 1e-5, std::string("attention of 40 and 100 query tokens whose first key holds every max = scalar twin, ") +
                                      kernels.name + ", f16 KV, 1/2/3 heads per kv head, head dim 64/128",
               "rel L2 " + number(sink_worst));
}

}  // namespace

void run_attention_checks(Checker& check) {
  if (const xc::KernelTable* avx2 = xc::avx2_kernels()) check_table(check, *avx2);
  if (const xc::KernelTable* avx512 = xc::avx512_kernels()) check_table(check, *avx512);
}

}  // namespace xch
