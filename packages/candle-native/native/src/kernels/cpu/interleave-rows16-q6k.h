#pragma once

#include <cstdint>

namespace xc {

// Q6_K's Rows16 layout (WeightLayout::Rows16): 16 rows' 256-element blocks side by side, the same bytes as
// sixteen ggml blocks. Row i's f16 d is d[i], its int8 scale of sub-block k scales[k][i]. Sub-block k's 16
// elements of the 16 rows fill qs[k] (192 bytes) as unsigned six-bit q + 32 in four 512-bit vectors: vector v
// holds elements 16k + 4v … 16k + 4v + 3 of row i in its bytes 4i … 4i + 3. Byte 64c + b of qs[k] carries
// the low four bits of vector 2c (low nibble) and 2c + 1 (high nibble) at byte b, byte 128 + b the top two
// bits of vector v at bits 2v, 2v + 1.
struct BlockQ6Kx16Rows {
  uint16_t d[16];
  int8_t scales[16][16];
  uint8_t qs[16][192];
};
static_assert(sizeof(BlockQ6Kx16Rows) == 16 * 210, "same size as sixteen ggml Q6_K blocks");

// `rows` rows (a multiple of 16) of `cols` elements (a multiple of 256) from ggml's Q6_K layout to Rows16,
// and back.
void interleave_rows16_q6k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);
void deinterleave_rows16_q6k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);

}  // namespace xc
