#include "kernels/cpu/interleave-rows16.h"

#include <cstring>
#include <string>

#include "common/error.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-rows16-q4k.h"
#include "kernels/cpu/interleave-rows16-q6k.h"

namespace xc {

namespace {

void check_rows16(GgmlType type, int64_t rows, int64_t cols) {
  if (!has_rows16_layout(type)) fail(XC_ERR_INTERNAL, std::string("no Rows16 layout for ") + ggml_type_name(type));
  if (rows % kRows16 != 0 || cols % kQK8_0 != 0) {
    fail(XC_ERR_INTERNAL, "the Rows16 layout needs rows in sixteens and whole blocks, got " + std::to_string(rows) + " × " +
                              std::to_string(cols));
  }
}

// Each block kind's quant bytes move in 4-byte words: word j of row i's block to bytes 64j + 4i of the
// group (Q8_0: 8 words, made unsigned; Q4_0 and Q5_0: 4 words of nibble pairs, already unsigned), and
// Q5_0's fifth bits into per-vector masks.
struct Q8_0Rows {
  using Block = BlockQ8_0;
  using Group = BlockQ8_0x16;
  static constexpr int kWords = kQK8_0 / 4;
  static const uint8_t* quants(const Block& b) { return reinterpret_cast<const uint8_t*>(b.qs); }
  static uint8_t* quants(Block& b) { return reinterpret_cast<uint8_t*>(b.qs); }
  static constexpr uint8_t kFlip = 0x80;  // q + 128 (mod 256) both ways
  static void high_bits(const Block&, int, Group&) {}
  static void high_bits(const Group&, int, Block&) {}
};
struct Q4_0Rows {
  using Block = BlockQ4_0;
  using Group = BlockQ4_0x16;
  static constexpr int kWords = kQK4_0 / 8;
  static const uint8_t* quants(const Block& b) { return b.qs; }
  static uint8_t* quants(Block& b) { return b.qs; }
  static constexpr uint8_t kFlip = 0;
  static void high_bits(const Block&, int, Group&) {}
  static void high_bits(const Group&, int, Block&) {}
};
struct Q5_0Rows {
  using Block = BlockQ5_0;
  using Group = BlockQ5_0x16;
  static constexpr int kWords = kQK4_0 / 8;
  static const uint8_t* quants(const Block& b) { return b.qs; }
  static uint8_t* quants(Block& b) { return b.qs; }
  static constexpr uint8_t kFlip = 0;
  // Bits 4j..4j + 3 of row i's qh → bits 4i..4i + 3 of mask j, and back.
  static void high_bits(const Block& b, int i, Group& g) {
    uint32_t qh;
    std::memcpy(&qh, b.qh, 4);
    for (int j = 0; j < 8; j++) {
      uint64_t mask;
      std::memcpy(&mask, g.qh + 8 * j, 8);
      mask = (mask & ~(uint64_t{0xF} << (4 * i))) | (static_cast<uint64_t>((qh >> (4 * j)) & 0xF) << (4 * i));
      std::memcpy(g.qh + 8 * j, &mask, 8);
    }
  }
  static void high_bits(const Group& g, int i, Block& b) {
    uint32_t qh = 0;
    for (int j = 0; j < 8; j++) {
      uint64_t mask;
      std::memcpy(&mask, g.qh + 8 * j, 8);
      qh |= static_cast<uint32_t>((mask >> (4 * i)) & 0xF) << (4 * j);
    }
    std::memcpy(b.qh, &qh, 4);
  }
};

template <typename Kind, bool ToRows16>
void convert(const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  using Block = typename Kind::Block;
  using Group = typename Kind::Group;
  const int64_t blocks = cols / kQK8_0;
  const size_t row_bytes = static_cast<size_t>(blocks) * sizeof(Block);
  for (int64_t g = 0; g < rows / kRows16; g++) {
    const uint8_t* in = src + static_cast<size_t>(g * kRows16) * row_bytes;
    uint8_t* out = dst + static_cast<size_t>(g * kRows16) * row_bytes;
    for (int64_t b = 0; b < blocks; b++) {
      Group group;
      if constexpr (!ToRows16) std::memcpy(&group, in + static_cast<size_t>(b) * sizeof(group), sizeof(group));
      for (int i = 0; i < kRows16; i++) {
        const size_t at = i * row_bytes + static_cast<size_t>(b) * sizeof(Block);  // row i's block b in ggml's layout
        Block block;
        if constexpr (ToRows16) {
          std::memcpy(&block, in + at, sizeof(block));
          group.d[i] = block.d;
          for (int j = 0; j < Kind::kWords; j++) std::memcpy(group.qs + 64 * j + 4 * i, Kind::quants(block) + 4 * j, 4);
          Kind::high_bits(block, i, group);
        } else {
          block.d = group.d[i];
          for (int j = 0; j < Kind::kWords; j++) std::memcpy(Kind::quants(block) + 4 * j, group.qs + 64 * j + 4 * i, 4);
          for (int e = 0; e < 4 * Kind::kWords; e++) Kind::quants(block)[e] ^= Kind::kFlip;
          Kind::high_bits(group, i, block);
          std::memcpy(out + at, &block, sizeof(block));
        }
      }
      if constexpr (ToRows16) {
        for (uint8_t& q : group.qs) q ^= Kind::kFlip;
        std::memcpy(out + static_cast<size_t>(b) * sizeof(group), &group, sizeof(group));
      }
    }
  }
}

template <bool ToRows16>
void convert_rows16(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  if (type == GgmlType::Q4_K) return ToRows16 ? interleave_rows16_q4k(src, dst, rows, cols) : deinterleave_rows16_q4k(src, dst, rows, cols);
  if (type == GgmlType::Q6_K) return ToRows16 ? interleave_rows16_q6k(src, dst, rows, cols) : deinterleave_rows16_q6k(src, dst, rows, cols);
  check_rows16(type, rows, cols);
  if (type == GgmlType::Q4_0) return convert<Q4_0Rows, ToRows16>(src, dst, rows, cols);
  if (type == GgmlType::Q5_0) return convert<Q5_0Rows, ToRows16>(src, dst, rows, cols);
  convert<Q8_0Rows, ToRows16>(src, dst, rows, cols);
}

}  // namespace

bool has_rows16_layout(GgmlType type) {
  return type == GgmlType::Q8_0 || type == GgmlType::Q4_0 || type == GgmlType::Q5_0 || type == GgmlType::Q4_K ||
         type == GgmlType::Q6_K;
}

void interleave_rows16(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  convert_rows16<true>(type, src, dst, rows, cols);
}

void deinterleave_rows16(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  convert_rows16<false>(type, src, dst, rows, cols);
}

}  // namespace xc
