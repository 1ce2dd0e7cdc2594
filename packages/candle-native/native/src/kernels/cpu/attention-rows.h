#pragma once

#include <algorithm>
#include <cstdint>

namespace xc::cpu {
// Internal linkage: the AVX2 and AVX-512 attention files both include this, each with its own flags,
// and a shared inline copy compiled with AVX-512 could be the one the linker keeps for AVX2 callers.
namespace {

// The keys a multi-token attention call visits: from the earliest window start to the latest end
// (lo..hi), and the range every query's window covers (all_first..all_last), where no key is masked.
struct KeySpan {
  int lo, hi, all_first, all_last;
};

// Lays out the (token, head) rows of such a call for the vector kernels: row r is token r / heads, head
// r % heads; each row's window, and the queries scaled and transposed (dimension-major, `rows` apart),
// rows past the `tokens · heads` used ones zero.
inline KeySpan lay_out_query_rows(const float* q, int64_t q_stride, int tokens, int heads, int hd, int64_t rows,
                                  const int* first, const int* last, float scale, int* row_first, int* row_last,
                                  float* qt) {
  KeySpan span{first[0], last[0], first[0], last[0]};
  for (int i = 0; i < tokens; i++) {
    span.lo = std::min(span.lo, first[i]), span.hi = std::max(span.hi, last[i]);
    span.all_first = std::max(span.all_first, first[i]), span.all_last = std::min(span.all_last, last[i]);
  }
  const int used = tokens * heads;
  for (int r = 0; r < static_cast<int>(rows); r++) {
    const int i = r < used ? r / heads : 0;
    row_first[r] = first[i], row_last[r] = last[i];
    for (int d = 0; d < hd; d++) qt[d * rows + r] = r < used ? q[i * q_stride + (r % heads) * hd + d] * scale : 0.0f;
  }
  return span;
}

}  // namespace
}  // namespace xc::cpu
