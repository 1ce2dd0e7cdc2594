#pragma once

#include "kernels/cpu/block-types.h"

namespace xc {

// One Q6_K block into the 16-lane layout (vector v, lane k: elements 16k + 4v … 16k + 4v + 3, as q + 32)
// and back; the two are exact inverses.
void interleave_q6_k(const BlockQ6K& src, BlockQ6Kx16* dst);
void deinterleave_q6_k(const BlockQ6Kx16& src, BlockQ6K* dst);

}  // namespace xc
