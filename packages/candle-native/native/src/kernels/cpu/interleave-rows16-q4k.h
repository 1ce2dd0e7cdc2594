#pragma once

#include <cstdint>

namespace xc {

// Q4_K's Rows16 layout (WeightLayout::Rows16): 16 rows' 256-element blocks side by side, the same bytes as
// sixteen ggml blocks. The headers are transposed so the kernels read one field of all 16 rows at once:
// scales[j][i] is byte j of row i's packed six-bit scales and mins (ggml's get_scale_min_k4 order). Byte
// 512c + 64v + 4i + b of qs is byte 32c + 4v + b of row i's ggml qs: one 512-bit vector holds four
// elements of 16 rows, elements 4v..4v + 3 of sub-block 2c in its low nibbles and of 2c + 1 in its high ones.
struct BlockQ4Kx16 {
  uint16_t d[16];
  uint16_t dmin[16];
  uint8_t scales[12][16];
  uint8_t qs[2048];
};
static_assert(sizeof(BlockQ4Kx16) == 16 * 144, "same size as sixteen ggml Q4_K blocks");

// `rows` rows (a multiple of 16) of `cols` elements (a multiple of 256) from ggml's Q4_K layout to Rows16,
// and back.
void interleave_rows16_q4k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);
void deinterleave_rows16_q4k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);

}  // namespace xc
