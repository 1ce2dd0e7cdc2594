// The 4×4 prefill tiles built with AVX-512VL + VNNI: same source as the AVX2 ones, but 32 vector
// registers keep the 16 accumulators out of memory and vpdpwssd/vpdpbusd fuse the multiply-adds.
// Runs only when cpuid reports AVX-512F/BW/VL/VNNI.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include "kernels/cpu/tile-4x4-impl.h"

namespace xc::avx512 {
void tile_q4_k_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::q4k_tile<4>(n, w, ws, x, xs, out, os);
}
void tile_q8_0_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::block32_tile_4x4<BlockQ8_0>(n, w, ws, x, xs, out, os);
}
void tile_q4_0_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::block32_tile_4x4<BlockQ4_0>(n, w, ws, x, xs, out, os);
}
void tile_q5_0_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::block32_tile_4x4<BlockQ5_0>(n, w, ws, x, xs, out, os);
}
void tile_f16_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::half_tile_4x4<tile_impl::F16Weights>(n, w, ws, x, xs, out, os);
}
void tile_bf16_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::half_tile_4x4<tile_impl::BF16Weights>(n, w, ws, x, xs, out, os);
}
}  // namespace xc::avx512
#endif

namespace xc {
#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
bool add_avx512_tiles(KernelTable& t) {
  t.traits(GgmlType::Q8_0).ggml.tile_4x4 = avx512::tile_q8_0_4x4;
  t.traits(GgmlType::Q4_0).ggml.tile_4x4 = avx512::tile_q4_0_4x4;
  t.traits(GgmlType::Q5_0).ggml.tile_4x4 = avx512::tile_q5_0_4x4;
  t.traits(GgmlType::Q4_K).ggml.tile_4x4 = avx512::tile_q4_k_4x4;
  t.traits(GgmlType::F16).ggml.tile_4x4 = avx512::tile_f16_4x4;
  t.traits(GgmlType::BF16).ggml.tile_4x4 = avx512::tile_bf16_4x4;
  return true;
}
#else
bool add_avx512_tiles(KernelTable&) { return false; }
#endif
}  // namespace xc
