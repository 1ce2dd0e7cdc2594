#include "kernels/cpu/interleave-rows16.h"

#include <cstring>
#include <string>

#include "common/error.h"
#include "kernels/cpu/block-types.h"

namespace xc {

namespace {

void check_rows16(GgmlType type, int64_t rows, int64_t cols) {
  if (!has_rows16_layout(type)) fail(XC_ERR_INTERNAL, std::string("no Rows16 layout for ") + ggml_type_name(type));
  if (rows % kRows16 != 0 || cols % kQK8_0 != 0) {
    fail(XC_ERR_INTERNAL, "the Rows16 layout needs rows in sixteens and whole blocks, got " + std::to_string(rows) + " × " +
                              std::to_string(cols));
  }
}

}  // namespace

bool has_rows16_layout(GgmlType type) { return type == GgmlType::Q8_0; }

void interleave_rows16(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  check_rows16(type, rows, cols);
  const int64_t blocks = cols / kQK8_0;
  const size_t row_bytes = static_cast<size_t>(blocks) * sizeof(BlockQ8_0);
  for (int64_t g = 0; g < rows / kRows16; g++) {
    const uint8_t* in = src + static_cast<size_t>(g * kRows16) * row_bytes;
    uint8_t* out = dst + static_cast<size_t>(g * kRows16) * row_bytes;
    for (int64_t b = 0; b < blocks; b++) {
      BlockQ8_0x16 group;
      for (int i = 0; i < kRows16; i++) {
        BlockQ8_0 block;
        std::memcpy(&block, in + i * row_bytes + static_cast<size_t>(b) * sizeof(BlockQ8_0), sizeof(block));
        group.d[i] = block.d;
        for (int j = 0; j < kQK8_0 / 4; j++) std::memcpy(group.qs + 64 * j + 4 * i, block.qs + 4 * j, 4);
      }
      for (uint8_t& q : group.qs) q ^= 0x80;  // q + 128 (mod 256)
      std::memcpy(out + static_cast<size_t>(b) * sizeof(group), &group, sizeof(group));
    }
  }
}

void deinterleave_rows16(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  check_rows16(type, rows, cols);
  const int64_t blocks = cols / kQK8_0;
  const size_t row_bytes = static_cast<size_t>(blocks) * sizeof(BlockQ8_0);
  for (int64_t g = 0; g < rows / kRows16; g++) {
    const uint8_t* in = src + static_cast<size_t>(g * kRows16) * row_bytes;
    uint8_t* out = dst + static_cast<size_t>(g * kRows16) * row_bytes;
    for (int64_t b = 0; b < blocks; b++) {
      BlockQ8_0x16 group;
      std::memcpy(&group, in + static_cast<size_t>(b) * sizeof(group), sizeof(group));
      for (int i = 0; i < kRows16; i++) {
        BlockQ8_0 block;
        block.d = group.d[i];
        for (int j = 0; j < kQK8_0 / 4; j++) std::memcpy(block.qs + 4 * j, group.qs + 64 * j + 4 * i, 4);
        for (int8_t& q : block.qs) q = static_cast<int8_t>(q ^ 0x80);  // q + 128 back to q
        std::memcpy(out + i * row_bytes + static_cast<size_t>(b) * sizeof(BlockQ8_0), &block, sizeof(block));
      }
    }
  }
}

}  // namespace xc
