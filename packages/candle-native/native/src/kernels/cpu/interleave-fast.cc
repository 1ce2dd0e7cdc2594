// The load-time re-lay (interleave_rows) on 32-bit words: every interleaved layout moves whole 4-byte
// lanes, and its nibble and bit packing is byte-parallel, so a group takes a few dozen word operations
// instead of a byte loop through temporaries. interleave_rows_reference is the byte-wise twin; the harness
// checks that both write the same bytes.
#include <cstddef>
#include <cstring>

#include "common/error.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave.h"

namespace xc {

namespace {

constexpr uint32_t kLowNibbles = 0x0F0F0F0Fu;

inline uint32_t load32(const uint8_t* p) {
  uint32_t word;
  std::memcpy(&word, p, 4);
  return word;
}

inline void store32(uint8_t* p, uint32_t word) { std::memcpy(p, &word, 4); }

// Eight ggml blocks (272 bytes) → BlockQ8_0x8: lane k of vector v ← elements 4v..4v+3 of block k, + 128.
void group_q8_0(const uint8_t* src, uint8_t* dst) {
  constexpr size_t kBlock = sizeof(BlockQ8_0);
  uint8_t* qs = dst + offsetof(BlockQ8_0x8, qs);
  for (int k = 0; k < 8; k++) {
    const uint8_t* block = src + k * kBlock;
    std::memcpy(dst + 2 * k, block, 2);
    for (int v = 0; v < 8; v++) store32(qs + 32 * v + 4 * k, load32(block + 2 + 4 * v) ^ 0x80808080u);
  }
}

// Eight Q4_0 blocks → BlockQ4_0x8. Byte 32c + 4k + i packs elements 4c + i and 4c + 16 + i of block k,
// which ggml already keeps together in qs[4c + i]: the group is a transpose of 4-byte lanes.
void group_q4_0(const uint8_t* src, uint8_t* dst) {
  constexpr size_t kBlock = sizeof(BlockQ4_0);
  uint8_t* qs = dst + offsetof(BlockQ4_0x8, qs);
  for (int k = 0; k < 8; k++) {
    const uint8_t* block = src + k * kBlock;
    std::memcpy(dst + 2 * k, block, 2);
    for (int c = 0; c < 4; c++) store32(qs + 32 * c + 4 * k, load32(block + offsetof(BlockQ4_0, qs) + 4 * c));
  }
}

// Eight Q5_0 blocks → BlockQ5_0x8: the low nibbles as Q4_0; word v of qh takes, for each block k, the
// fifth bits of its elements 4v..4v+3 as bits 4k..4k+3.
void group_q5_0(const uint8_t* src, uint8_t* dst) {
  constexpr size_t kBlock = sizeof(BlockQ5_0);
  uint8_t* qs = dst + offsetof(BlockQ5_0x8, qs);
  uint32_t high[8] = {};
  for (int k = 0; k < 8; k++) {
    const uint8_t* block = src + k * kBlock;
    std::memcpy(dst + 2 * k, block, 2);
    for (int c = 0; c < 4; c++) store32(qs + 32 * c + 4 * k, load32(block + offsetof(BlockQ5_0, qs) + 4 * c));
    const uint32_t qh = load32(block + offsetof(BlockQ5_0, qh));
    for (int v = 0; v < 8; v++) high[v] |= ((qh >> (4 * v)) & 0xFu) << (4 * k);
  }
  for (int v = 0; v < 8; v++) store32(dst + offsetof(BlockQ5_0x8, qh) + 4 * v, high[v]);
}

// One Q4_K block: ggml keeps sub-block 2j in the low and 2j + 1 in the high nibbles of qs[32j..32j+31];
// byte 32c + 4k + i takes element 4c + i of sub-block k (low nibble) and element 4c + 16 + i (high).
void block_q4_k(const uint8_t* src, uint8_t* dst) {
  std::memcpy(dst, src, offsetof(BlockQ4K, qs));
  const uint8_t* in = src + offsetof(BlockQ4K, qs);
  uint8_t* out = dst + offsetof(BlockQ4K, qs);
  for (int j = 0; j < 4; j++) {
    for (int c = 0; c < 4; c++) {
      const uint32_t first = load32(in + 32 * j + 4 * c);
      const uint32_t second = load32(in + 32 * j + 16 + 4 * c);
      store32(out + 32 * c + 4 * (2 * j), (first & kLowNibbles) | ((second & kLowNibbles) << 4));
      store32(out + 32 * c + 4 * (2 * j + 1), ((first >> 4) & kLowNibbles) | (second & ~kLowNibbles));
    }
  }
}

// One Q6_K block → BlockQ6Kx16. Word w = 4k + v of the block's unsigned 6-bit values u (elements 4w..4w+3)
// is lane k of vector v.
void block_q6_k(const uint8_t* src, uint8_t* dst) {
  const uint8_t* ql = src + offsetof(BlockQ6K, ql);
  const uint8_t* qh = src + offsetof(BlockQ6K, qh);
  uint32_t u[64];
  // ggml: element 128h + 32s + l has its low four bits in ql[64h + l (+32 for odd s)] (low nibble for
  // s < 2) and its top two in bits 2s of qh[32h + l].
  for (int h = 0; h < 2; h++) {
    for (int l4 = 0; l4 < 8; l4++) {
      const uint32_t low_a = load32(ql + 64 * h + 4 * l4);
      const uint32_t low_b = load32(ql + 64 * h + 32 + 4 * l4);
      const uint32_t top = load32(qh + 32 * h + 4 * l4);
      const uint32_t low[4] = {low_a & kLowNibbles, low_b & kLowNibbles, (low_a >> 4) & kLowNibbles,
                               (low_b >> 4) & kLowNibbles};
      for (int s = 0; s < 4; s++) u[32 * h + 8 * s + l4] = low[s] | (((top >> (2 * s)) & 0x03030303u) << 4);
    }
  }
  std::memcpy(dst + offsetof(BlockQ6Kx16, d), src + offsetof(BlockQ6K, d), 2);
  std::memcpy(dst + offsetof(BlockQ6Kx16, scales), src + offsetof(BlockQ6K, scales), 16);
  uint8_t* low = dst + offsetof(BlockQ6Kx16, low);
  uint8_t* high = dst + offsetof(BlockQ6Kx16, high);
  for (int k = 0; k < 16; k++) {
    const uint32_t* lane = u + 4 * k;  // vectors 0..3
    for (int c = 0; c < 2; c++) store32(low + 64 * c + 4 * k, (lane[c] & kLowNibbles) | ((lane[c + 2] & kLowNibbles) << 4));
    uint32_t bits = 0;
    for (int v = 0; v < 4; v++) bits |= ((lane[v] >> 4) & 0x03030303u) << (2 * v);
    store32(high + 4 * k, bits);
  }
}

using GroupFn = void (*)(const uint8_t* src, uint8_t* dst);

// Whole groups of eight 32-element blocks converted, a ragged tail copied as it is (interleave.h).
void block32_rows(GroupFn group, size_t block_bytes, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  const int64_t groups = cols / 256;
  const size_t row_bytes = static_cast<size_t>(cols / 32) * block_bytes;
  const size_t done = static_cast<size_t>(groups) * 8 * block_bytes;
  for (int64_t r = 0; r < rows; r++) {
    const uint8_t* in = src + static_cast<size_t>(r) * row_bytes;
    uint8_t* out = dst + static_cast<size_t>(r) * row_bytes;
    for (int64_t g = 0; g < groups; g++) group(in + g * 8 * block_bytes, out + g * 8 * block_bytes);
    std::memcpy(out + done, in + done, row_bytes - done);
  }
}

void k_quant_rows(GroupFn block, size_t block_bytes, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  const int64_t blocks = rows * (cols / 256);
  for (int64_t b = 0; b < blocks; b++) block(src + b * block_bytes, dst + b * block_bytes);
}

}  // namespace

void interleave_rows(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols) {
  switch (type) {
    case GgmlType::Q8_0: return block32_rows(group_q8_0, sizeof(BlockQ8_0), src, dst, rows, cols);
    case GgmlType::Q4_0: return block32_rows(group_q4_0, sizeof(BlockQ4_0), src, dst, rows, cols);
    case GgmlType::Q5_0: return block32_rows(group_q5_0, sizeof(BlockQ5_0), src, dst, rows, cols);
    case GgmlType::Q4_K: return k_quant_rows(block_q4_k, sizeof(BlockQ4K), src, dst, rows, cols);
    case GgmlType::Q6_K: return k_quant_rows(block_q6_k, sizeof(BlockQ6K), src, dst, rows, cols);
    default: fail(XC_ERR_INTERNAL, std::string("no interleaved layout for ") + ggml_type_name(type));
  }
}

}  // namespace xc
