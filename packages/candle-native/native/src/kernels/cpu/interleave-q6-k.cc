// Q6_K blocks to and from the 16-lane layout of BlockQ6Kx16 (block-types.h).
#include "kernels/cpu/interleave-q6-k.h"

#include <cstring>

namespace xc {

void q6_k_values(const BlockQ6K& b, uint8_t u[256]) {
  for (int half = 0; half < 2; half++) {
    const uint8_t* ql = b.ql + 64 * half;
    const uint8_t* qh = b.qh + 32 * half;
    uint8_t* out = u + 128 * half;
    for (int l = 0; l < 32; l++) {
      out[l] = static_cast<uint8_t>((ql[l] & 0xF) | ((qh[l] & 3) << 4));
      out[l + 32] = static_cast<uint8_t>((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4));
      out[l + 64] = static_cast<uint8_t>((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4));
      out[l + 96] = static_cast<uint8_t>((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4));
    }
  }
}

void q6_k_pack(const uint8_t u[256], BlockQ6K* b) {
  for (int half = 0; half < 2; half++) {
    uint8_t* ql = b->ql + 64 * half;
    uint8_t* qh = b->qh + 32 * half;
    const uint8_t* in = u + 128 * half;
    for (int l = 0; l < 32; l++) {
      ql[l] = static_cast<uint8_t>((in[l] & 0xF) | ((in[l + 64] & 0xF) << 4));
      ql[l + 32] = static_cast<uint8_t>((in[l + 32] & 0xF) | ((in[l + 96] & 0xF) << 4));
      qh[l] = static_cast<uint8_t>((in[l] >> 4) | ((in[l + 32] >> 4) << 2) | ((in[l + 64] >> 4) << 4) | ((in[l + 96] >> 4) << 6));
    }
  }
}

void interleave_q6_k(const BlockQ6K& src, BlockQ6Kx16* dst) {
  dst->d = src.d;
  std::memcpy(dst->scales, src.scales, 16);
  uint8_t u[256], vectors[4][64];
  q6_k_values(src, u);
  for (int v = 0; v < 4; v++) {
    for (int k = 0; k < 16; k++) std::memcpy(vectors[v] + 4 * k, u + 16 * k + 4 * v, 4);
  }
  for (int c = 0; c < 2; c++) {
    for (int b = 0; b < 64; b++) dst->low[64 * c + b] = static_cast<uint8_t>((vectors[c][b] & 0xF) | ((vectors[c + 2][b] & 0xF) << 4));
  }
  for (int b = 0; b < 64; b++) {
    uint8_t bits = 0;
    for (int v = 0; v < 4; v++) bits |= static_cast<uint8_t>((vectors[v][b] >> 4) << (2 * v));
    dst->high[b] = bits;
  }
}

void deinterleave_q6_k(const BlockQ6Kx16& src, BlockQ6K* dst) {
  dst->d = src.d;
  std::memcpy(dst->scales, src.scales, 16);
  uint8_t u[256];
  for (int v = 0; v < 4; v++) {
    for (int b = 0; b < 64; b++) {
      const int low = (src.low[64 * (v & 1) + b] >> (v < 2 ? 0 : 4)) & 0xF;
      const int high = (src.high[b] >> (2 * v)) & 3;
      u[16 * (b / 4) + 4 * v + b % 4] = static_cast<uint8_t>(low | (high << 4));
    }
  }
  q6_k_pack(u, dst);
}

}  // namespace xc
