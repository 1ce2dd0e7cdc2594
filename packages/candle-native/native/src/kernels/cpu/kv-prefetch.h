#pragma once

#include <algorithm>
#include <cstdint>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {
// Internal linkage: the AVX2 and AVX-512 attention files both include this, each with its own flags.
namespace {

// An asm statement on x86, not _mm_prefetch: GCC 12 at -O2 deleted a loop of _mm_prefetch calls
// (prefetch_keys' below) whole: it counts a prefetch as no effect, and -ffinite-loops lets it drop
// a loop without effects. objdump showed no prefetcht0 left in the decode kernels.
inline void prefetch(const uint8_t* p, int64_t bytes) {
  for (int64_t b = 0; b < bytes; b += 64) {
#if defined(__GNUC__) && (defined(__x86_64__) || defined(__i386__))
    asm volatile("prefetcht0 %0" : : "m"(*(p + b)));
#else
    __builtin_prefetch(p + b);
#endif
  }
}

// Requests the K and V rows of keys [from, to) (page by page).
inline void prefetch_keys(const KvHeadView& kv, int from, int to, int64_t row_bytes) {
  while (from < to) {
    const int start = from % kv.page_tokens;
    const int n = std::min(kv.page_tokens - start, to - from);
    const uint8_t* base = kv.pages[from / kv.page_tokens] + start * row_bytes;
    prefetch(base + kv.key_offset, n * row_bytes);
    prefetch(base + kv.value_offset, n * row_bytes);
    from += n;
  }
}

}  // namespace
}  // namespace xc::cpu
