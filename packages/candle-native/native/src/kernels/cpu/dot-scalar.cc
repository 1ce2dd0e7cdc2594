#include <cstring>

#include "common/fp16.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/scalar-kernels.h"

// Portable dot products, one per weight type. The quantized ones use the same integer sums as
// the AVX2 versions, so the two differ only in float summation order.
namespace xc::scalar {

float dot_f32(int64_t n, const void* w, const void* x) {
  return dot_f32_f32(n, static_cast<const float*>(w), static_cast<const float*>(x));
}

float dot_f16(int64_t n, const void* w, const void* x) {
  return dot_f16_f32(n, static_cast<const uint16_t*>(w), static_cast<const float*>(x));
}

float dot_bf16(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const float*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n; i++) sum += bf16_to_f32(a[i]) * b[i];
  return sum;
}

float dot_q8_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ8_0*>(w);
  const auto* b = static_cast<const ActQ8_0*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK8_0; i++) {
    int sumi = 0;
    for (int j = 0; j < kQK8_0; j++) sumi += a[i].qs[j] * b[i].qs[j];
    sum += fp16_to_f32(a[i].d) * b[i].d * static_cast<float>(sumi);
  }
  return sum;
}

float dot_q4_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ4_0*>(w);
  const auto* b = static_cast<const ActQ8_0*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK4_0; i++) {
    int sumi = 0;
    for (int j = 0; j < kQK4_0 / 2; j++) {
      sumi += ((a[i].qs[j] & 0xF) - 8) * b[i].qs[j];
      sumi += ((a[i].qs[j] >> 4) - 8) * b[i].qs[j + 16];
    }
    sum += fp16_to_f32(a[i].d) * b[i].d * static_cast<float>(sumi);
  }
  return sum;
}

float dot_q5_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ5_0*>(w);
  const auto* b = static_cast<const ActQ8_0*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK4_0; i++) {
    uint32_t qh;
    std::memcpy(&qh, a[i].qh, 4);
    int sumi = 0;
    for (int j = 0; j < kQK4_0; j++) sumi += q5_0_value(a[i], qh, j) * b[i].qs[j];
    sum += fp16_to_f32(a[i].d) * b[i].d * static_cast<float>(sumi);
  }
  return sum;
}

float dot_q4_k(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ4K*>(w);
  const auto* b = static_cast<const ActQ8K*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; i++) {
    int sumi = 0;
    int summ = 0;
    const uint8_t* q = a[i].qs;
    const int8_t* y = b[i].qs;
    for (int j = 0; j < kQK_K / 64; j++) {
      uint8_t sc0, m0, sc1, m1;
      q4k_scale_min(2 * j, a[i].scales, &sc0, &m0);
      q4k_scale_min(2 * j + 1, a[i].scales, &sc1, &m1);
      int s0 = 0, s1 = 0;
      for (int l = 0; l < 32; l++) {
        s0 += (q[l] & 0xF) * y[l];
        s1 += (q[l] >> 4) * y[l + 32];
      }
      sumi += sc0 * s0 + sc1 * s1;
      summ += m0 * (b[i].bsums[4 * j] + b[i].bsums[4 * j + 1]) + m1 * (b[i].bsums[4 * j + 2] + b[i].bsums[4 * j + 3]);
      q += 32;
      y += 64;
    }
    sum += b[i].d * (fp16_to_f32(a[i].d) * static_cast<float>(sumi) - fp16_to_f32(a[i].dmin) * static_cast<float>(summ));
  }
  return sum;
}

float dot_q6_k(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ6K*>(w);
  const auto* b = static_cast<const ActQ8K*>(x);
  float sum = 0;
  for (int64_t i = 0; i < n / kQK_K; i++) {
    int sumi = 0;
    const uint8_t* ql = a[i].ql;
    const uint8_t* qh = a[i].qh;
    const int8_t* y = b[i].qs;
    for (int half = 0; half < 2; half++) {
      const int8_t* sc = a[i].scales + 8 * half;
      int group[8] = {0, 0, 0, 0, 0, 0, 0, 0};
      for (int l = 0; l < 32; l++) {
        const int is = l / 16;
        group[is] += (((ql[l] & 0xF) | (((qh[l] >> 0) & 3) << 4)) - 32) * y[l];
        group[is + 2] += (((ql[l + 32] & 0xF) | (((qh[l] >> 2) & 3) << 4)) - 32) * y[l + 32];
        group[is + 4] += (((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32) * y[l + 64];
        group[is + 6] += (((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32) * y[l + 96];
      }
      for (int g = 0; g < 8; g++) sumi += sc[g] * group[g];
      ql += 64;
      qh += 32;
      y += 128;
    }
    sum += fp16_to_f32(a[i].d) * b[i].d * static_cast<float>(sumi);
  }
  return sum;
}

float dot_f16_f32(int64_t n, const uint16_t* a, const float* b) {
  float sum = 0;
  for (int64_t i = 0; i < n; i++) sum += fp16_to_f32(a[i]) * b[i];
  return sum;
}

void axpy_f16(int64_t n, float alpha, const uint16_t* x, float* y) {
  for (int64_t i = 0; i < n; i++) y[i] += alpha * fp16_to_f32(x[i]);
}

float dot_f32_f32(int64_t n, const float* a, const float* b) {
  float sum = 0;
  for (int64_t i = 0; i < n; i++) sum += a[i] * b[i];
  return sum;
}

void axpy_f32(int64_t n, float alpha, const float* x, float* y) {
  for (int64_t i = 0; i < n; i++) y[i] += alpha * x[i];
}

void f32_to_f16(const float* x, uint16_t* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = f32_to_fp16(x[i]);
}

void f16_to_f32(const uint16_t* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i++) y[i] = fp16_to_f32(x[i]);
}

}  // namespace xc::scalar
