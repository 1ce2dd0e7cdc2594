#pragma once

#include <cstdint>

namespace xc {

// Weight blocks exactly as ggml lays them out (ggml-common.h).
constexpr int kQK8_0 = 32;
constexpr int kQK4_0 = 32;
constexpr int kQK_K = 256;

#pragma pack(push, 1)
struct BlockQ8_0 {
  uint16_t d;  // f16 scale
  int8_t qs[kQK8_0];
};
struct BlockQ4_0 {
  uint16_t d;
  uint8_t qs[kQK4_0 / 2];  // element j in the low nibble of qs[j], element j+16 in the high one
};
struct BlockQ5_0 {
  uint16_t d;
  uint8_t qh[4];  // bit j: fifth bit of element j
  uint8_t qs[kQK4_0 / 2];
};
struct BlockQ4K {
  uint16_t d;
  uint16_t dmin;
  uint8_t scales[12];  // 8 six-bit scales and 8 six-bit mins
  uint8_t qs[kQK_K / 2];
};
struct BlockQ6K {
  uint8_t ql[kQK_K / 2];
  uint8_t qh[kQK_K / 4];
  int8_t scales[kQK_K / 16];
  uint16_t d;
};
#pragma pack(pop)
static_assert(sizeof(BlockQ8_0) == 34, "ggml block_q8_0");
static_assert(sizeof(BlockQ4_0) == 18, "ggml block_q4_0");
static_assert(sizeof(BlockQ5_0) == 22, "ggml block_q5_0");
static_assert(sizeof(BlockQ4K) == 144, "ggml block_q4_K");
static_assert(sizeof(BlockQ6K) == 210, "ggml block_q6_K");

// Activations quantized for the integer dot products (our own layouts; never stored in files).
struct ActQ8_0 {
  float d;
  int8_t qs[kQK8_0];
};
struct ActQ8K {
  float d;
  int8_t qs[kQK_K];
  int16_t bsums[kQK_K / 16];  // sums of each 16 quants, for the K-quant minimums
};

// The interleaved layouts (interleave.h): vector v (32 bytes) of a 256-element group holds, in its 4-byte
// lane k, elements 4v..4v+3 of sub-block (or block) k, so one vpdpbusd lane accumulates one
// sub-block and its scale applies once per lane instead of once per 32 products.
struct BlockQ8_0x8 {
  uint16_t d[8];
  uint8_t qs[256];  // q + 128
};
struct BlockQ4_0x8 {
  uint16_t d[8];
  uint8_t qs[128];  // byte 32c + 4k + i: low nibble vector c, high nibble vector c + 4 (q + 8)
};
struct BlockQ5_0x8 {
  uint16_t d[8];
  uint8_t qs[128];   // low four bits as in BlockQ4_0x8 (q + 16)
  uint8_t qh[32];    // little-endian word v, bit b: fifth bit of byte b of vector v
};
static_assert(sizeof(BlockQ8_0x8) == 8 * sizeof(BlockQ8_0), "same size as eight ggml blocks");
static_assert(sizeof(BlockQ4_0x8) == 8 * sizeof(BlockQ4_0), "same size as eight ggml blocks");
static_assert(sizeof(BlockQ5_0x8) == 8 * sizeof(BlockQ5_0), "same size as eight ggml blocks");
// The row-interleaved layout of Q8_0 (WeightLayout::Rows16): 16 rows side by side, block by block. Byte
// 64j + 4i + c of a block holds element 4j + c of row i (q + 128), so one 512-bit vector carries 4
// elements of 16 rows and each vpdpbusd lane sums one row; the 16 rows' scales sit together.
struct BlockQ8_0x16 {
  uint16_t d[16];
  uint8_t qs[512];
};
static_assert(sizeof(BlockQ8_0x16) == 16 * sizeof(BlockQ8_0), "same size as sixteen ggml blocks");
// Q4_0's Rows16 layout: byte 64c + 4i + k is byte 4c + k of row i's ggml block (element 4c + k in the low
// nibble, 16 + 4c + k in the high one, both q + 8), so one 512-bit load holds two vectors' worth.
struct BlockQ4_0x16 {
  uint16_t d[16];
  uint8_t qs[256];
};
static_assert(sizeof(BlockQ4_0x16) == 16 * sizeof(BlockQ4_0), "same size as sixteen ggml blocks");
// Q5_0's: the low four bits as in BlockQ4_0x16 (q + 16), and per vector j a 64-bit mask whose bit 4i + k
// is the fifth bit of element 4j + k of row i.
struct BlockQ5_0x16 {
  uint16_t d[16];
  uint8_t qs[256];
  uint8_t qh[64];  // eight little-endian 64-bit masks
};
static_assert(sizeof(BlockQ5_0x16) == 16 * sizeof(BlockQ5_0), "same size as sixteen ggml blocks");
// Q4_K x8 keeps BlockQ4K's header; only qs moves: byte 32c + 4k + i holds vector c (low nibble)
// and vector c + 4 (high nibble).

// Q6_K has sixteen 16-element sub-blocks, so its layout spans a 512-bit vector: vector v (64
// bytes, v = 0..3) holds in lane k elements 4v..4v+3 of sub-block k, as unsigned 6-bit values q + 32.
#pragma pack(push, 1)
struct BlockQ6Kx16 {
  uint16_t d;
  int8_t scales[16];
  uint8_t low[128];  // byte 64c + b: low four bits of vector c (low nibble) and of vector c + 2 (high nibble)
  uint8_t high[64];  // byte b, bits 2v..2v+1: top two bits of vector v
};
#pragma pack(pop)
static_assert(sizeof(BlockQ6Kx16) == sizeof(BlockQ6K), "same size as the ggml block");

// Activations for the interleaved layouts, same interleaving.
struct ActQ8_0x8 {
  float d[8];
  int32_t sum[8];  // Σ qs of each block, to take off the weights' unsigned offset
  int8_t qs[256];
};
// Activations for the Rows16 layout: a Q8_0 block and −128·Σ qs, the weights' offset taken off once per block.
struct ActQ8_0Sum {
  float d;
  int32_t offset;
  int8_t qs[kQK8_0];
};
struct ActQ8Kx16 {
  float d;
  int32_t sum[16];  // Σ qs of each 16-element sub-block, for Q6_K's offset of 32
  int8_t qs[256];
};
// Q4_K's activations keep their quants on whole 64-byte lines (the matmul's scratch is line-aligned):
// the tiles stream them from L2 for every weight row group, and a vector load split across two lines
// costs two.
struct ActQ8Kx8 {
  int8_t qs[256];
  float d;
  float dsum[8];  // d · Σ qs of each 32-element sub-block, for the Q4_K minimums
  uint8_t pad[28];
};
static_assert(sizeof(ActQ8Kx8) % 64 == 0, "whole cache lines");

// Unpacks the j-th six-bit (scale, min) pair of a Q4_K block (ggml's get_scale_min_k4).
inline void q4k_scale_min(int j, const uint8_t* q, uint8_t* scale, uint8_t* min) {
  if (j < 4) {
    *scale = q[j] & 63;
    *min = q[j + 4] & 63;
  } else {
    *scale = static_cast<uint8_t>((q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4));
    *min = static_cast<uint8_t>((q[j + 4] >> 4) | ((q[j] >> 6) << 4));
  }
}

// Element j of a Q5_0 block as a signed 5-bit value (−16..15).
inline int q5_0_value(const BlockQ5_0& b, uint32_t qh, int j) {
  const int low = j < 16 ? (b.qs[j] & 0xF) : (b.qs[j - 16] >> 4);
  return (low | static_cast<int>(((qh >> j) & 1u) << 4)) - 16;
}

}  // namespace xc
