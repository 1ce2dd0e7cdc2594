#include <cstring>

#include "common/error.h"
#include "common/fp16.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/kernel-table.h"

namespace xc {

namespace {

void dequantize_q8_0(const BlockQ8_0* blocks, float* y, int64_t n) {
  for (int64_t i = 0; i < n / kQK8_0; i++) {
    const float d = fp16_to_f32(blocks[i].d);
    for (int j = 0; j < kQK8_0; j++) y[i * kQK8_0 + j] = d * blocks[i].qs[j];
  }
}

void dequantize_q4_0(const BlockQ4_0* blocks, float* y, int64_t n) {
  for (int64_t i = 0; i < n / kQK4_0; i++) {
    const float d = fp16_to_f32(blocks[i].d);
    for (int j = 0; j < kQK4_0 / 2; j++) {
      y[i * kQK4_0 + j] = d * ((blocks[i].qs[j] & 0xF) - 8);
      y[i * kQK4_0 + j + 16] = d * ((blocks[i].qs[j] >> 4) - 8);
    }
  }
}

void dequantize_q5_0(const BlockQ5_0* blocks, float* y, int64_t n) {
  for (int64_t i = 0; i < n / kQK4_0; i++) {
    const float d = fp16_to_f32(blocks[i].d);
    uint32_t qh;
    std::memcpy(&qh, blocks[i].qh, 4);
    for (int j = 0; j < kQK4_0; j++) y[i * kQK4_0 + j] = d * q5_0_value(blocks[i], qh, j);
  }
}

void dequantize_q4_k(const BlockQ4K* blocks, float* y, int64_t n) {
  for (int64_t i = 0; i < n / kQK_K; i++) {
    const BlockQ4K& b = blocks[i];
    const float d = fp16_to_f32(b.d);
    const float dmin = fp16_to_f32(b.dmin);
    const uint8_t* q = b.qs;
    for (int j = 0; j < kQK_K / 64; j++) {
      uint8_t sc0, m0, sc1, m1;
      q4k_scale_min(2 * j, b.scales, &sc0, &m0);
      q4k_scale_min(2 * j + 1, b.scales, &sc1, &m1);
      for (int l = 0; l < 32; l++) *y++ = d * sc0 * (q[l] & 0xF) - dmin * m0;
      for (int l = 0; l < 32; l++) *y++ = d * sc1 * (q[l] >> 4) - dmin * m1;
      q += 32;
    }
  }
}

void dequantize_q6_k(const BlockQ6K* blocks, float* y, int64_t n) {
  for (int64_t i = 0; i < n / kQK_K; i++) {
    const BlockQ6K& b = blocks[i];
    const float d = fp16_to_f32(b.d);
    const uint8_t* ql = b.ql;
    const uint8_t* qh = b.qh;
    const int8_t* sc = b.scales;
    for (int half = 0; half < 2; half++) {
      for (int l = 0; l < 32; l++) {
        const int is = l / 16;
        const int q1 = ((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32;
        const int q2 = ((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32;
        const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
        const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
        y[l] = d * sc[is] * q1;
        y[l + 32] = d * sc[is + 2] * q2;
        y[l + 64] = d * sc[is + 4] * q3;
        y[l + 96] = d * sc[is + 6] * q4;
      }
      y += 128;
      ql += 64;
      qh += 32;
      sc += 8;
    }
  }
}

}  // namespace

void dequantize_row(GgmlType type, const void* src, float* dst, int64_t n) {
  switch (type) {
    case GgmlType::F32: std::memcpy(dst, src, static_cast<size_t>(n) * 4); return;
    case GgmlType::F16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; i++) dst[i] = fp16_to_f32(h[i]);
      return;
    }
    case GgmlType::BF16: {
      const auto* h = static_cast<const uint16_t*>(src);
      for (int64_t i = 0; i < n; i++) dst[i] = bf16_to_f32(h[i]);
      return;
    }
    case GgmlType::Q8_0: dequantize_q8_0(static_cast<const BlockQ8_0*>(src), dst, n); return;
    case GgmlType::Q4_0: dequantize_q4_0(static_cast<const BlockQ4_0*>(src), dst, n); return;
    case GgmlType::Q5_0: dequantize_q5_0(static_cast<const BlockQ5_0*>(src), dst, n); return;
    case GgmlType::Q4_K: dequantize_q4_k(static_cast<const BlockQ4K*>(src), dst, n); return;
    case GgmlType::Q6_K: dequantize_q6_k(static_cast<const BlockQ6K*>(src), dst, n); return;
    default: fail(XC_ERR_UNSUPPORTED, std::string("cannot dequantize ") + ggml_type_name(type));
  }
}

}  // namespace xc
