#pragma once

#include <cstdint>

namespace xc::scalar {

float dot_f32(int64_t n, const void* w, const void* x);
float dot_f16(int64_t n, const void* w, const void* x);
float dot_bf16(int64_t n, const void* w, const void* x);
float dot_q8_0(int64_t n, const void* w, const void* x);
float dot_q4_0(int64_t n, const void* w, const void* x);
float dot_q5_0(int64_t n, const void* w, const void* x);
float dot_q4_k(int64_t n, const void* w, const void* x);
float dot_q6_k(int64_t n, const void* w, const void* x);
// interleaved layouts (interleave.h) against ActQ8_0x8 / ActQ8Kx8 activations.
float dot_q8_0_x8(int64_t n, const void* w, const void* x);
float dot_q4_0_x8(int64_t n, const void* w, const void* x);
float dot_q5_0_x8(int64_t n, const void* w, const void* x);
float dot_q4_k_x8(int64_t n, const void* w, const void* x);
float dot_q6_k_x16(int64_t n, const void* w, const void* x);  // against ActQ8Kx16
// The Rows16 layouts (interleave-rows16.h) against ActQ8_0Sum activations, as RowsTileFns.
void rows16_q8_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens);
void rows16_q4_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens);
void rows16_q5_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens);
// Q4_K's Rows16 layout (interleave-rows16-q4k.h) against ActQ8K activations.
void rows16_q4_k(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens);
// Q6_K's (interleave-rows16-q6k.h) against ActQ8K activations, in dot_q6_k_x16's order.
void rows16_q6_k(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                 int64_t out_stride, int64_t rows, int64_t tokens);
void quantize_q8_0(const float* x, void* out, int64_t n);
void quantize_q8_k(const float* x, void* out, int64_t n);
float dot_f16_f32(int64_t n, const uint16_t* a, const float* b);
void axpy_f16(int64_t n, float alpha, const uint16_t* x, float* y);
float dot_f32_f32(int64_t n, const float* a, const float* b);
void axpy_f32(int64_t n, float alpha, const float* x, float* y);
void f32_to_f16(const float* x, uint16_t* y, int64_t n);
void f16_to_f32(const uint16_t* x, float* y, int64_t n);

}  // namespace xc::scalar
