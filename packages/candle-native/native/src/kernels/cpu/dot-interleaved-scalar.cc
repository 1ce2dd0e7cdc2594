// Portable dot products for the interleaved layouts (interleave.h), element by element: the definition the
// vector tiles are checked against, and the path for kernel tables without interleaved tiles.
#include <cstring>

#include "common/fp16.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/interleave-rows16-q4k.h"
#include "kernels/cpu/interleave-rows16-q6k.h"
#include "kernels/cpu/scalar-kernels.h"

namespace xc::scalar {

namespace {

constexpr int64_t kGroup = 256;

// The 4-bit value at byte b of vector v of a nibble-packed interleaved group.
inline int nibble_x8(const uint8_t* qs, int v, int b) {
  const uint8_t byte = qs[32 * (v & 3) + b];
  return v < 4 ? byte & 0xF : byte >> 4;
}

// Σ over eight 32-element blocks of d_w·d_y·(Σ u·y − offset·Σ y), where u(group, v, b) is the stored
// unsigned quant; the ggml blocks after the last whole group go to `tail`.
template <typename Group, int Offset, typename Quant, typename Tail>
float dot_block32_x8(int64_t n, const void* w, const void* x, Quant quant, Tail tail) {
  const int64_t groups = n / kGroup;
  const auto* wb = static_cast<const uint8_t*>(w);
  const auto* y = static_cast<const ActQ8_0x8*>(x);
  float sum = 0;
  for (int64_t g = 0; g < groups; g++) {
    Group group;
    std::memcpy(&group, wb + g * sizeof(Group), sizeof(Group));
    for (int k = 0; k < 8; k++) {
      int p = 0;
      for (int v = 0; v < 8; v++) {
        for (int i = 0; i < 4; i++) p += quant(group, v, 4 * k + i) * y[g].qs[32 * v + 4 * k + i];
      }
      p -= Offset * y[g].sum[k];
      sum += fp16_to_f32(group.d[k]) * y[g].d[k] * static_cast<float>(p);
    }
  }
  const int64_t rest = n - groups * kGroup;
  if (rest > 0) sum += tail(rest, wb + groups * sizeof(Group), y + groups);
  return sum;
}

}  // namespace

float dot_q8_0_x8(int64_t n, const void* w, const void* x) {
  return dot_block32_x8<BlockQ8_0x8, 128>(
      n, w, x, [](const BlockQ8_0x8& g, int v, int b) { return static_cast<int>(g.qs[32 * v + b]); }, dot_q8_0);
}

float dot_q4_0_x8(int64_t n, const void* w, const void* x) {
  return dot_block32_x8<BlockQ4_0x8, 8>(
      n, w, x, [](const BlockQ4_0x8& g, int v, int b) { return nibble_x8(g.qs, v, b); }, dot_q4_0);
}

float dot_q5_0_x8(int64_t n, const void* w, const void* x) {
  return dot_block32_x8<BlockQ5_0x8, 16>(
      n, w, x,
      [](const BlockQ5_0x8& g, int v, int b) {
        uint32_t high;
        std::memcpy(&high, g.qh + 4 * v, 4);
        return nibble_x8(g.qs, v, b) | static_cast<int>(((high >> b) & 1u) << 4);
      },
      dot_q5_0);
}

float dot_q4_k_x8(int64_t n, const void* w, const void* x) {
  const auto* y = static_cast<const ActQ8Kx8*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; i++) {
    BlockQ4K b;
    std::memcpy(&b, static_cast<const uint8_t*>(w) + i * sizeof(BlockQ4K), sizeof(BlockQ4K));
    const float d = fp16_to_f32(b.d);
    const float dmin = fp16_to_f32(b.dmin);
    for (int k = 0; k < 8; k++) {
      uint8_t scale, min;
      q4k_scale_min(k, b.scales, &scale, &min);
      int p = 0;
      for (int v = 0; v < 8; v++) {
        for (int j = 0; j < 4; j++) p += nibble_x8(b.qs, v, 4 * k + j) * y[i].qs[32 * v + 4 * k + j];
      }
      sum += y[i].d * d * static_cast<float>(scale) * static_cast<float>(p) - dmin * static_cast<float>(min) * y[i].dsum[k];
    }
  }
  return sum;
}

float dot_q6_k_x16(int64_t n, const void* w, const void* x) {
  const auto* y = static_cast<const ActQ8Kx16*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; i++) {
    BlockQ6Kx16 b;
    std::memcpy(&b, static_cast<const uint8_t*>(w) + i * sizeof(BlockQ6Kx16), sizeof(BlockQ6Kx16));
    int sumi = 0;
    for (int k = 0; k < 16; k++) {
      int p = 0;
      for (int v = 0; v < 4; v++) {
        for (int j = 0; j < 4; j++) {
          const int byte = 4 * k + j;
          const int low = (b.low[64 * (v & 1) + byte] >> (v < 2 ? 0 : 4)) & 0xF;
          const int high = (b.high[byte] >> (2 * v)) & 3;
          p += (low | (high << 4)) * y[i].qs[64 * v + byte];
        }
      }
      sumi += b.scales[k] * (p - 32 * y[i].sum[k]);
    }
    sum += fp16_to_f32(b.d) * y[i].d * static_cast<float>(sumi);
  }
  return sum;
}

namespace {

// Σ over blocks of d_w·d_y·(Σ u·y − offset·Σ y) for each of a Rows16 group's 16 rows and each token,
// where quant(group, i, e) is row i's stored unsigned element e; the activations carry −128·Σ y.
template <typename Group, int OffsetShift, typename Quant>
void rows16_block32(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                    int64_t out_stride, int64_t rows, int64_t tokens, Quant quant) {
  const int64_t blocks = n / kQK8_0;
  for (int64_t g = 0; g < rows / 16; g++) {
    const uint8_t* rows_of_group = w + g * 16 * w_stride;
    for (int64_t t = 0; t < tokens; t++) {
      const auto* y = reinterpret_cast<const ActQ8_0Sum*>(x + t * x_stride);
      for (int i = 0; i < 16; i++) {
        float sum = 0;
        for (int64_t b = 0; b < blocks; b++) {
          Group group;
          std::memcpy(&group, rows_of_group + b * sizeof(Group), sizeof(group));
          int p = y[b].offset >> OffsetShift;  // −128·Σy → −2^(7 − shift)·Σy
          for (int e = 0; e < kQK8_0; e++) p += quant(group, i, e) * y[b].qs[e];
          sum += static_cast<float>(p) * y[b].d * fp16_to_f32(group.d[i]);
        }
        out[t * out_stride + g * 16 + i] = sum;
      }
    }
  }
}

}  // namespace

void rows16_q8_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens) {
  rows16_block32<BlockQ8_0x16, 0>(n, w, w_stride, x, x_stride, out, out_stride, rows, tokens,
                                  [](const BlockQ8_0x16& g, int i, int e) { return static_cast<int>(g.qs[64 * (e / 4) + 4 * i + e % 4]); });
}

void rows16_q4_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens) {
  rows16_block32<BlockQ4_0x16, 4>(n, w, w_stride, x, x_stride, out, out_stride, rows, tokens, [](const BlockQ4_0x16& g, int i, int e) {
    const int j = e % 16;  // byte j of the ggml block: element j low, j + 16 high
    const uint8_t byte = g.qs[64 * (j / 4) + 4 * i + j % 4];
    return e < 16 ? byte & 0xF : byte >> 4;
  });
}

void rows16_q5_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens) {
  rows16_block32<BlockQ5_0x16, 3>(n, w, w_stride, x, x_stride, out, out_stride, rows, tokens, [](const BlockQ5_0x16& g, int i, int e) {
    const int j = e % 16;
    const uint8_t byte = g.qs[64 * (j / 4) + 4 * i + j % 4];
    uint64_t mask;
    std::memcpy(&mask, g.qh + 8 * (e / 4), 8);
    return (e < 16 ? byte & 0xF : byte >> 4) | static_cast<int>(((mask >> (4 * i + e % 4)) & 1u) << 4);
  });
}

void rows16_q4_k(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens) {
  for (int64_t g = 0; g < rows / 16; g++) {
    const uint8_t* rows_of_group = w + g * 16 * w_stride;
    for (int64_t t = 0; t < tokens; t++) {
      const auto* y = reinterpret_cast<const ActQ8K*>(x + t * x_stride);
      for (int i = 0; i < 16; i++) {
        float sum = 0;
        for (int64_t b = 0; b < n / kQK_K; b++) {
          BlockQ4Kx16 group;
          std::memcpy(&group, rows_of_group + b * sizeof(group), sizeof(group));
          uint8_t packed[12];
          for (int j = 0; j < 12; j++) packed[j] = group.scales[j][i];
          int sumi = 0, summ = 0;
          for (int k = 0; k < 8; k++) {
            uint8_t scale, min;
            q4k_scale_min(k, packed, &scale, &min);
            int p = 0;
            for (int e = 0; e < 32; e++) {
              const uint8_t byte = group.qs[512 * (k / 2) + 64 * (e / 4) + 4 * i + e % 4];
              p += (k % 2 == 0 ? byte & 0xF : byte >> 4) * y[b].qs[32 * k + e];
            }
            sumi += scale * p;
            summ += min * (y[b].bsums[2 * k] + y[b].bsums[2 * k + 1]);
          }
          sum += y[b].d * (fp16_to_f32(group.d[i]) * static_cast<float>(sumi) - fp16_to_f32(group.dmin[i]) * static_cast<float>(summ));
        }
        out[t * out_stride + g * 16 + i] = sum;
      }
    }
  }
}

void rows16_q6_k(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens) {
  for (int64_t g = 0; g < rows / 16; g++) {
    const uint8_t* rows_of_group = w + g * 16 * w_stride;
    for (int64_t t = 0; t < tokens; t++) {
      const auto* y = reinterpret_cast<const ActQ8K*>(x + t * x_stride);
      for (int i = 0; i < 16; i++) {
        float sum = 0;
        for (int64_t b = 0; b < n / kQK_K; b++) {
          BlockQ6Kx16Rows group;
          std::memcpy(&group, rows_of_group + b * sizeof(group), sizeof(group));
          int sumi = 0;
          for (int k = 0; k < 16; k++) {
            int p = 0;
            for (int v = 0; v < 4; v++) {
              for (int e = 0; e < 4; e++) {
                const int low = (group.qs[k][64 * (v / 2) + 4 * i + e] >> (4 * (v % 2))) & 0xF;
                const int high = (group.qs[k][128 + 4 * i + e] >> (2 * v)) & 3;
                p += (low | (high << 4)) * y[b].qs[16 * k + 4 * v + e];
              }
            }
            sumi += group.scales[k][i] * (p - 32 * y[b].bsums[k]);
          }
          sum += fp16_to_f32(group.d[i]) * y[b].d * static_cast<float>(sumi);
        }
        out[t * out_stride + g * 16 + i] = sum;
      }
    }
  }
}

}  // namespace xc::scalar
