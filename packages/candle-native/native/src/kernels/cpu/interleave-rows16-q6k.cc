#include "kernels/cpu/interleave-rows16-q6k.h"

#include <cstring>
#include <string>

#include "common/error.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-q6-k.h"

namespace xc {

namespace {

constexpr int64_t kGroupRows = 16;

// Row i's unsigned quants u (element order) into sub-block k of the group, and back.
void put_row(const uint8_t u[256], int i, BlockQ6Kx16Rows& group) {
  for (int k = 0; k < 16; k++) {
    uint8_t* qs = group.qs[k];
    for (int e = 0; e < 4; e++) {
      uint8_t high = 0;
      for (int v = 0; v < 4; v++) {
        const uint8_t q = u[16 * k + 4 * v + e];
        uint8_t& low = qs[64 * (v / 2) + 4 * i + e];
        low = v % 2 == 0 ? static_cast<uint8_t>((low & 0xF0) | (q & 0xF)) : static_cast<uint8_t>((low & 0x0F) | ((q & 0xF) << 4));
        high = static_cast<uint8_t>(high | ((q >> 4) << (2 * v)));
      }
      qs[128 + 4 * i + e] = high;
    }
  }
}

void get_row(const BlockQ6Kx16Rows& group, int i, uint8_t u[256]) {
  for (int k = 0; k < 16; k++) {
    const uint8_t* qs = group.qs[k];
    for (int v = 0; v < 4; v++) {
      for (int e = 0; e < 4; e++) {
        const int low = (qs[64 * (v / 2) + 4 * i + e] >> (4 * (v % 2))) & 0xF;
        const int high = (qs[128 + 4 * i + e] >> (2 * v)) & 3;
        u[16 * k + 4 * v + e] = static_cast<uint8_t>(low | (high << 4));
      }
    }
  }
}

template <bool ToRows16>
void convert(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  if (rows % kGroupRows != 0 || cols % kQK_K != 0) {
    fail(XC_ERR_INTERNAL, "the Q6_K Rows16 layout needs rows in sixteens and whole 256-element blocks, got " + std::to_string(rows) +
                              " × " + std::to_string(cols));
  }
  const int64_t blocks = cols / kQK_K;
  const size_t row_bytes = static_cast<size_t>(blocks) * sizeof(BlockQ6K);
  for (int64_t g = 0; g < rows / kGroupRows; g++) {
    const uint8_t* in = src + static_cast<size_t>(g * kGroupRows) * row_bytes;
    uint8_t* out = dst + static_cast<size_t>(g * kGroupRows) * row_bytes;
    for (int64_t b = 0; b < blocks; b++) {
      BlockQ6Kx16Rows group;
      if constexpr (ToRows16) std::memset(&group, 0, sizeof(group));
      else std::memcpy(&group, in + static_cast<size_t>(b) * sizeof(group), sizeof(group));
      for (int i = 0; i < kGroupRows; i++) {
        const size_t at = i * row_bytes + static_cast<size_t>(b) * sizeof(BlockQ6K);  // row i's block b in ggml's layout
        BlockQ6K block;
        uint8_t u[256];
        if constexpr (ToRows16) {
          std::memcpy(&block, in + at, sizeof(block));
          group.d[i] = block.d;
          for (int k = 0; k < 16; k++) group.scales[k][i] = block.scales[k];
          q6_k_values(block, u);
          put_row(u, i, group);
        } else {
          block.d = group.d[i];
          for (int k = 0; k < 16; k++) block.scales[k] = group.scales[k][i];
          get_row(group, i, u);
          q6_k_pack(u, &block);
          std::memcpy(out + at, &block, sizeof(block));
        }
      }
      if constexpr (ToRows16) std::memcpy(out + static_cast<size_t>(b) * sizeof(group), &group, sizeof(group));
    }
  }
}

}  // namespace

void interleave_rows16_q6k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) { convert<true>(src, dst, rows, cols); }

void deinterleave_rows16_q6k(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) { convert<false>(src, dst, rows, cols); }

}  // namespace xc
