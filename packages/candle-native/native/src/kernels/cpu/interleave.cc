#include "kernels/cpu/interleave.h"

#include <cstddef>
#include <cstring>

#include "common/error.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-q6-k.h"

namespace xc {

namespace {

constexpr int64_t kGroup = 256;

// The unsigned 4-bit quants of a Q4_0 block (the layout Q5_0 shares), in element order.
void q4_0_nibbles(const uint8_t qs[16], uint8_t out[32]) {
  for (int j = 0; j < 16; j++) {
    out[j] = qs[j] & 0xF;
    out[j + 16] = qs[j] >> 4;
  }
}

// interleaved order: byte 32v + 4k + i ← element 4v + i of block (or sub-block) k.
void gather_x8(const uint8_t blocks[8][32], uint8_t out[256]) {
  for (int v = 0; v < 8; v++) {
    for (int k = 0; k < 8; k++) std::memcpy(out + 32 * v + 4 * k, blocks[k] + 4 * v, 4);
  }
}

// Packs 256 values below 16, in interleaved order, two per byte: vector c low, vector c + 4 high.
void pack_nibbles(const uint8_t values[256], uint8_t out[128]) {
  for (int c = 0; c < 4; c++) {
    for (int b = 0; b < 32; b++) out[32 * c + b] = static_cast<uint8_t>((values[32 * c + b] & 0xF) | (values[32 * (c + 4) + b] << 4));
  }
}

void interleave_q8_0(const BlockQ8_0* src, BlockQ8_0x8* dst) {
  uint8_t blocks[8][32];
  for (int k = 0; k < 8; k++) {
    dst->d[k] = src[k].d;
    for (int j = 0; j < 32; j++) blocks[k][j] = static_cast<uint8_t>(src[k].qs[j] + 128);
  }
  gather_x8(blocks, dst->qs);
}

void interleave_q4_0(const BlockQ4_0* src, BlockQ4_0x8* dst) {
  uint8_t blocks[8][32];
  for (int k = 0; k < 8; k++) {
    dst->d[k] = src[k].d;
    q4_0_nibbles(src[k].qs, blocks[k]);
  }
  uint8_t values[256];
  gather_x8(blocks, values);
  pack_nibbles(values, dst->qs);
}

void interleave_q5_0(const BlockQ5_0* src, BlockQ5_0x8* dst) {
  uint8_t blocks[8][32];
  for (int k = 0; k < 8; k++) {
    dst->d[k] = src[k].d;
    q4_0_nibbles(src[k].qs, blocks[k]);
    uint32_t qh;
    std::memcpy(&qh, src[k].qh, 4);
    for (int j = 0; j < 32; j++) blocks[k][j] |= static_cast<uint8_t>(((qh >> j) & 1u) << 4);
  }
  uint8_t values[256];
  gather_x8(blocks, values);
  pack_nibbles(values, dst->qs);
  for (int v = 0; v < 8; v++) {
    uint32_t bits = 0;
    for (int b = 0; b < 32; b++) bits |= static_cast<uint32_t>(values[32 * v + b] >> 4) << b;
    std::memcpy(dst->qh + 4 * v, &bits, 4);
  }
}

void interleave_q4_k(const BlockQ4K& src, BlockQ4K* dst) {
  std::memcpy(dst, &src, offsetof(BlockQ4K, qs));
  uint8_t sub_blocks[8][32];  // ggml: sub-block 2j in the low nibbles of qs[32j..], 2j + 1 in the high ones
  for (int j = 0; j < 4; j++) {
    for (int l = 0; l < 32; l++) {
      sub_blocks[2 * j][l] = src.qs[32 * j + l] & 0xF;
      sub_blocks[2 * j + 1][l] = src.qs[32 * j + l] >> 4;
    }
  }
  uint8_t values[256];
  gather_x8(sub_blocks, values);
  pack_nibbles(values, dst->qs);
}

// Inverses of the above, interleaved back to ggml.
void scatter_x8(const uint8_t values[256], uint8_t blocks[8][32]) {
  for (int v = 0; v < 8; v++) {
    for (int k = 0; k < 8; k++) std::memcpy(blocks[k] + 4 * v, values + 32 * v + 4 * k, 4);
  }
}

void unpack_nibbles(const uint8_t packed[128], uint8_t values[256]) {
  for (int c = 0; c < 4; c++) {
    for (int b = 0; b < 32; b++) {
      values[32 * c + b] = packed[32 * c + b] & 0xF;
      values[32 * (c + 4) + b] = packed[32 * c + b] >> 4;
    }
  }
}

void q4_0_pack(const uint8_t values[32], uint8_t qs[16]) {
  for (int j = 0; j < 16; j++) qs[j] = static_cast<uint8_t>((values[j] & 0xF) | (values[j + 16] << 4));
}

void deinterleave_q8_0(const BlockQ8_0x8* src, BlockQ8_0* dst) {
  uint8_t blocks[8][32];
  scatter_x8(src->qs, blocks);
  for (int k = 0; k < 8; k++) {
    dst[k].d = src->d[k];
    for (int j = 0; j < 32; j++) dst[k].qs[j] = static_cast<int8_t>(blocks[k][j] - 128);
  }
}

void deinterleave_q4_0(const BlockQ4_0x8* src, BlockQ4_0* dst) {
  uint8_t values[256], blocks[8][32];
  unpack_nibbles(src->qs, values);
  scatter_x8(values, blocks);
  for (int k = 0; k < 8; k++) {
    dst[k].d = src->d[k];
    q4_0_pack(blocks[k], dst[k].qs);
  }
}

void deinterleave_q5_0(const BlockQ5_0x8* src, BlockQ5_0* dst) {
  uint8_t values[256], blocks[8][32];
  unpack_nibbles(src->qs, values);
  for (int v = 0; v < 8; v++) {
    uint32_t bits;
    std::memcpy(&bits, src->qh + 4 * v, 4);
    for (int b = 0; b < 32; b++) values[32 * v + b] |= static_cast<uint8_t>(((bits >> b) & 1u) << 4);
  }
  scatter_x8(values, blocks);
  for (int k = 0; k < 8; k++) {
    dst[k].d = src->d[k];
    q4_0_pack(blocks[k], dst[k].qs);
    uint32_t qh = 0;
    for (int j = 0; j < 32; j++) qh |= static_cast<uint32_t>(blocks[k][j] >> 4) << j;
    std::memcpy(dst[k].qh, &qh, 4);
  }
}

void deinterleave_q4_k(const BlockQ4K& src, BlockQ4K* dst) {
  std::memcpy(dst, &src, offsetof(BlockQ4K, qs));
  uint8_t values[256], sub_blocks[8][32];
  unpack_nibbles(src.qs, values);
  scatter_x8(values, sub_blocks);
  for (int j = 0; j < 4; j++) {
    for (int l = 0; l < 32; l++) dst->qs[32 * j + l] = static_cast<uint8_t>(sub_blocks[2 * j][l] | (sub_blocks[2 * j + 1][l] << 4));
  }
}

// One row of 32-element blocks: whole groups of eight converted, the rest copied as it is.
template <typename Block, typename Group, bool ToInterleaved, typename Convert>
void convert_block32_row(const uint8_t* src, uint8_t* dst, int64_t cols, Convert convert) {
  const int64_t groups = cols / kGroup;
  for (int64_t g = 0; g < groups; g++) {
    Block blocks[8];
    Group group;
    if constexpr (ToInterleaved) {
      std::memcpy(blocks, src + g * sizeof(Group), sizeof(Group));
      convert(blocks, &group);
      std::memcpy(dst + g * sizeof(Group), &group, sizeof(Group));
    } else {
      std::memcpy(&group, src + g * sizeof(Group), sizeof(Group));
      convert(&group, blocks);
      std::memcpy(dst + g * sizeof(Group), blocks, sizeof(Group));
    }
  }
  const size_t done = static_cast<size_t>(groups) * sizeof(Group);
  std::memcpy(dst + done, src + done, static_cast<size_t>(cols / kQK8_0) * sizeof(Block) - done);
}

template <bool ToInterleaved>
void convert_rows(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  const GgmlTypeTraits traits = ggml_type_traits(static_cast<uint32_t>(type));
  const int64_t row_bytes = cols / traits.block_elements * traits.block_bytes;
  for (int64_t r = 0; r < rows; r++) {
    const uint8_t* in = src + r * row_bytes;
    uint8_t* out = dst + r * row_bytes;
    switch (type) {
      case GgmlType::Q8_0:
        if constexpr (ToInterleaved) convert_block32_row<BlockQ8_0, BlockQ8_0x8, true>(in, out, cols, interleave_q8_0);
        else convert_block32_row<BlockQ8_0, BlockQ8_0x8, false>(in, out, cols, deinterleave_q8_0);
        break;
      case GgmlType::Q4_0:
        if constexpr (ToInterleaved) convert_block32_row<BlockQ4_0, BlockQ4_0x8, true>(in, out, cols, interleave_q4_0);
        else convert_block32_row<BlockQ4_0, BlockQ4_0x8, false>(in, out, cols, deinterleave_q4_0);
        break;
      case GgmlType::Q5_0:
        if constexpr (ToInterleaved) convert_block32_row<BlockQ5_0, BlockQ5_0x8, true>(in, out, cols, interleave_q5_0);
        else convert_block32_row<BlockQ5_0, BlockQ5_0x8, false>(in, out, cols, deinterleave_q5_0);
        break;
      case GgmlType::Q4_K:
        for (int64_t b = 0; b < cols / kQK_K; b++) {
          BlockQ4K block, converted;
          std::memcpy(&block, in + b * sizeof(BlockQ4K), sizeof(BlockQ4K));
          if constexpr (ToInterleaved) interleave_q4_k(block, &converted);
          else deinterleave_q4_k(block, &converted);
          std::memcpy(out + b * sizeof(BlockQ4K), &converted, sizeof(BlockQ4K));
        }
        break;
      case GgmlType::Q6_K:
        for (int64_t b = 0; b < cols / kQK_K; b++) {
          BlockQ6K ggml;
          BlockQ6Kx16 x16;
          if constexpr (ToInterleaved) {
            std::memcpy(&ggml, in + b * sizeof(BlockQ6K), sizeof(BlockQ6K));
            interleave_q6_k(ggml, &x16);
            std::memcpy(out + b * sizeof(BlockQ6K), &x16, sizeof(BlockQ6K));
          } else {
            std::memcpy(&x16, in + b * sizeof(BlockQ6K), sizeof(BlockQ6K));
            deinterleave_q6_k(x16, &ggml);
            std::memcpy(out + b * sizeof(BlockQ6K), &ggml, sizeof(BlockQ6K));
          }
        }
        break;
      default: fail(XC_ERR_INTERNAL, std::string("no interleaved layout for ") + ggml_type_name(type));
    }
  }
}

}  // namespace

bool has_interleaved_layout(GgmlType type) {
  return type == GgmlType::Q8_0 || type == GgmlType::Q4_0 || type == GgmlType::Q5_0 || type == GgmlType::Q4_K ||
         type == GgmlType::Q6_K;
}

void interleave_rows_reference(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  convert_rows<true>(type, src, dst, rows, cols);
}

void deinterleave_rows(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  convert_rows<false>(type, src, dst, rows, cols);
}

}  // namespace xc
