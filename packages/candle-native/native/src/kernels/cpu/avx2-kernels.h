#pragma once

#include <cstdint>

namespace xc::cpu {
struct KvHeadView;
}

// The AVX2 kernels of the ggml layout (dot-avx2.cc, quantize-avx2.cc, tile-avx2.cc, tile-4x4-avx2.cc,
// attention-avx2.cc, activations-avx2.cc); defined only when those files are compiled with
// AVX2/FMA/F16C, and called only after cpuid says the CPU has them. The interleaved-layout kernels
// and the AVX-512 tiles register themselves through kernel-table.cc instead.
namespace xc::avx2 {

float dot_f32(int64_t n, const void* w, const void* x);
float dot_f16(int64_t n, const void* w, const void* x);
float dot_bf16(int64_t n, const void* w, const void* x);
float dot_q8_0(int64_t n, const void* w, const void* x);
float dot_q4_0(int64_t n, const void* w, const void* x);
float dot_q5_0(int64_t n, const void* w, const void* x);
float dot_q4_k(int64_t n, const void* w, const void* x);
float dot_q6_k(int64_t n, const void* w, const void* x);
float dot_f16_f32(int64_t n, const uint16_t* a, const float* b);
void axpy_f16(int64_t n, float alpha, const uint16_t* x, float* y);
float dot_f32_f32(int64_t n, const float* a, const float* b);
void axpy_f32(int64_t n, float alpha, const float* x, float* y);
void f32_to_f16(const float* x, uint16_t* y, int64_t n);
void f16_to_f32(const uint16_t* x, float* y, int64_t n);
void quantize_q8_0(const float* x, void* out, int64_t n);
void quantize_q8_k(const float* x, void* out, int64_t n);
void tile_q8_0_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride);
void tile_q4_0_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride);
void tile_q4_k_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride);
void tile_q4_k_4x4(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride);
bool attend_group(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                  float softcap_value, float* out);
bool attend_tokens(const cpu::KvHeadView& kv, const float* q, int64_t q_stride, int tokens, int heads, const int* first,
                   const int* last, float scale, float softcap_value, float* out, int64_t out_stride, float* stats);
// One decode token's `heads` query heads against one kv head over an f16 cache (any head count; head
// sizes 64 and 128, else false); out and stats as attend_tokens' for one token.
bool attend_decode(const cpu::KvHeadView& kv, const float* q, int heads, int first, int last, float scale,
                   float softcap_value, float* out, float* stats);
void silu_mul(float* gate, const float* up, int64_t n);
void tile_q5_0_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride);

}  // namespace xc::avx2
