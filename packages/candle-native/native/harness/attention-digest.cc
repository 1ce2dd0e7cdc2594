// xcandle-harness attention-digest: one hash of the bytes attention_tokens writes (outputs, and the
// kernel's softmax stats where it has an attend_tokens) over a fixed list of random runs: 2–131
// tokens after 0–1,099 cached keys, 1–8 heads per kv head, head dims 64 and 128, f16 and f32 caches,
// pages of 16–256 keys, windows, a softcap, wide and tiny scores, zero queries and −0 keys. Two
// builds that print the same digest wrote the same bits for every case: the check that a kernel
// change kept its results bit for bit (run the old binary, then the new one).
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "check.h"
#include "common/fp16.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kernel-table.h"

namespace xch {

namespace {

struct Digest {
  uint64_t hash = 14695981039346656037ull;  // FNV-1a
  void add(const void* data, size_t bytes) {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < bytes; i++) hash = (hash ^ p[i]) * 1099511628211ull;
  }
};

struct RunCase {
  int hd, page_tokens, heads, tokens, prefix, window;
  bool f16;
  float cap, scale;
  int mode;  // 0 plain, 1 wide scores, 2 zero queries, 3 tiny K/V, 4 scattered window starts
};

RunCase draw_case(std::mt19937& rng) {
  static const int pages[] = {64, 64, 128, 48, 16, 256};
  static const int heads[] = {1, 2, 2, 3, 4, 7, 8};
  RunCase c{};
  c.hd = rng() % 3 == 0 ? 128 : 64;
  c.f16 = rng() % 4 != 0;
  c.page_tokens = pages[rng() % 6];
  c.heads = heads[rng() % 7];
  const bool longer = rng() % 2 == 0;
  c.tokens = 2 + static_cast<int>(rng() % (longer ? 130 : 63));
  c.prefix = rng() % 3 == 0 ? 0 : static_cast<int>(rng() % 1100);
  c.window = rng() % 5 == 0 ? 1 + static_cast<int>(rng() % 200) : 0;
  c.cap = rng() % 6 == 0 ? 30.0f : 0.0f;
  c.mode = static_cast<int>(rng() % 5);
  c.scale = c.mode == 1 ? 4.0f : 0.125f;
  return c;
}

void digest_case(const xc::KernelTable& kernels, const RunCase& c, std::mt19937& rng, Digest& digest) {
  std::uniform_real_distribution<float> dist(-2.0f, 2.0f);
  const int element = c.f16 ? 2 : 4;
  const int pages = (c.prefix + c.tokens + c.page_tokens - 1) / c.page_tokens;
  std::vector<std::vector<uint8_t>> storage(static_cast<size_t>(pages),
                                            std::vector<uint8_t>(static_cast<size_t>(2 * c.page_tokens * c.hd * element)));
  std::vector<const uint8_t*> pointers;
  for (auto& page : storage) {
    for (size_t i = 0; i < page.size() / element; i++) {
      float v = dist(rng) * (c.mode == 3 ? 1e-20f : 1.0f);
      if (rng() % 97 == 0) v = -0.0f;
      if (c.f16) reinterpret_cast<uint16_t*>(page.data())[i] = xc::f32_to_fp16(v);
      else reinterpret_cast<float*>(page.data())[i] = v;
    }
    pointers.push_back(page.data());
  }
  const xc::cpu::KvHeadView view{pointers.data(), c.page_tokens, 0, static_cast<int64_t>(c.page_tokens) * c.hd * element,
                                 c.hd, c.f16};
  const int64_t row = static_cast<int64_t>(c.heads) * c.hd;
  const int64_t stride = row + (rng() % 2) * 16;
  std::vector<float> q(static_cast<size_t>(c.tokens * stride));
  for (float& v : q) v = dist(rng) * (c.mode == 1 ? 8.0f : 1.0f);
  if (c.mode == 2) {
    for (int i = 0; i < c.tokens; i += 3) std::fill(q.begin() + i * stride, q.begin() + i * stride + c.hd, 0.0f);
  }
  std::vector<int> first(static_cast<size_t>(c.tokens)), last(static_cast<size_t>(c.tokens));
  for (int i = 0; i < c.tokens; i++) {
    last[i] = c.prefix + i;
    first[i] = c.window > 0 ? std::max(0, last[i] - c.window + 1) : 0;
    if (c.mode == 4) first[i] = std::min(last[i], static_cast<int>(rng() % (c.prefix + 1)));
  }
  std::vector<float> out(q.size()), stats(static_cast<size_t>(2 * c.tokens * c.heads));
  xc::cpu::attention_tokens(kernels, view, q.data(), stride, c.tokens, c.heads, first.data(), last.data(), c.scale, c.cap,
                            out.data(), stride);
  for (int i = 0; i < c.tokens; i++) digest.add(out.data() + i * stride, sizeof(float) * static_cast<size_t>(row));
  if (kernels.attend_tokens != nullptr &&
      kernels.attend_tokens(view, q.data(), stride, c.tokens, c.heads, first.data(), last.data(), c.scale, c.cap, out.data(),
                            stride, stats.data())) {
    digest.add(stats.data(), sizeof(float) * stats.size());
  }
}

}  // namespace

int run_attention_digest(int argc, char** argv) {
  std::string kernels_name;
  int cases = 3000;
  for (int i = 2; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--kernels") kernels_name = value;
    else if (arg == "--cases") cases = std::stoi(value);
  }
  const xc::KernelTable& kernels = xc::kernels_named(kernels_name.c_str());
  std::mt19937 rng(7);
  Digest digest;
  for (int n = 0; n < cases; n++) digest_case(kernels, draw_case(rng), rng, digest);
  std::printf("attention digest %016llx: %d runs, %s kernels\n", static_cast<unsigned long long>(digest.hash), cases,
              kernels.name);
  return 0;
}

}  // namespace xch
