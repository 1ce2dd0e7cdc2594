#pragma once

#include <cstdint>

namespace xc::cpu {

// The greedy pick of one logits row, with the runtime's rule (packages/runtime/src/sampling/argmax.ts):
// the first index of the largest value wins, NaN never wins, and a row of only -inf/NaN gives 0.
int32_t argmax_row(const float* row, int64_t n);

}  // namespace xc::cpu
