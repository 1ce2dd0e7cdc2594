#include "kernels/cpu/interleave-rows16-q4k.h"

#include <cstring>
#include <string>

#include "common/error.h"
#include "kernels/cpu/block-types.h"

namespace xc {

namespace {

constexpr int64_t kGroupRows = 16;

template <bool ToRows16>
void convert(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  if (rows % kGroupRows != 0 || cols % kQK_K != 0) {
    fail(XC_ERR_INTERNAL, "the Q4_K Rows16 layout needs rows in sixteens and whole 256-element blocks, got " + std::to_string(rows) +
                              " × " + std::to_string(cols));
  }
  const int64_t blocks = cols / kQK_K;
  const size_t row_bytes = static_cast<size_t>(blocks) * sizeof(BlockQ4K);
  for (int64_t g = 0; g < rows / kGroupRows; g++) {
    const uint8_t* in = src + static_cast<size_t>(g * kGroupRows) * row_bytes;
    uint8_t* out = dst + static_cast<size_t>(g * kGroupRows) * row_bytes;
    for (int64_t b = 0; b < blocks; b++) {
      BlockQ4Kx16 group;
      if constexpr (!ToRows16) std::memcpy(&group, in + static_cast<size_t>(b) * sizeof(group), sizeof(group));
      for (int i = 0; i < kGroupRows; i++) {
        const size_t at = i * row_bytes + static_cast<size_t>(b) * sizeof(BlockQ4K);  // row i's block b in ggml's layout
        BlockQ4K block;
        if constexpr (ToRows16) {
          std::memcpy(&block, in + at, sizeof(block));
          group.d[i] = block.d;
          group.dmin[i] = block.dmin;
          for (int j = 0; j < 12; j++) group.scales[j][i] = block.scales[j];
          for (int w = 0; w < 32; w++) std::memcpy(group.qs + 512 * (w / 8) + 64 * (w % 8) + 4 * i, block.qs + 4 * w, 4);
        } else {
          block.d = group.d[i];
          block.dmin = group.dmin[i];
          for (int j = 0; j < 12; j++) block.scales[j] = group.scales[j][i];
          for (int w = 0; w < 32; w++) std::memcpy(block.qs + 4 * w, group.qs + 512 * (w / 8) + 64 * (w % 8) + 4 * i, 4);
          std::memcpy(out + at, &block, sizeof(block));
        }
      }
      if constexpr (ToRows16) std::memcpy(out + static_cast<size_t>(b) * sizeof(group), &group, sizeof(group));
    }
  }
}

}  // namespace

void interleave_rows16_q4k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) { convert<true>(src, dst, rows, cols); }

void deinterleave_rows16_q4k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) { convert<false>(src, dst, rows, cols); }

}  // namespace xc
