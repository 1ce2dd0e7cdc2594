#pragma once

#include <cstdint>

namespace xc::cpu {

// The greedy pick of one logits row, with the runtime's rule (packages/runtime/src/sampling/argmax.ts):
// the first index of the largest value wins, NaN never wins, and a row of only -inf/NaN gives 0.
int32_t argmax_row(const float* row, int64_t n);

// argmax_row of the row with every token `allowed` leaves out taken as -inf (bit i & 31 of word i >> 5
// allows token i; the last word's bits past n are ignored), the runtime's greedy pick with a mask
// (sampling/greedy-pick.ts): the first largest allowed value wins, and a row whose allowed values are all
// -inf/NaN gives 0 as the unmasked rule does. -1 when the mask allows no token below n.
int32_t argmax_row_masked(const float* row, int64_t n, const uint32_t* allowed);

}  // namespace xc::cpu
