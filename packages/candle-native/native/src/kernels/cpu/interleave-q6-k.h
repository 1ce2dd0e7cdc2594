#pragma once

#include "kernels/cpu/block-types.h"

namespace xc {

// One Q6_K block into the 16-lane layout (vector v, lane k: elements 16k + 4v … 16k + 4v + 3, as q + 32)
// and back; the two are exact inverses.
void interleave_q6_k(const BlockQ6K& src, BlockQ6Kx16* dst);
void deinterleave_q6_k(const BlockQ6Kx16& src, BlockQ6K* dst);

// A ggml Q6_K block's unsigned six-bit quants (q + 32) in element order, and back (ggml's ql/qh packing).
void q6_k_values(const BlockQ6K& b, uint8_t u[256]);
void q6_k_pack(const uint8_t u[256], BlockQ6K* b);

}  // namespace xc
