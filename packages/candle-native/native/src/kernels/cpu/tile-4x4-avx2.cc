// The 4×4 Q4_K prefill tile built for AVX2 (see tile-4x4-impl.h); the 32-element-block 4×4
// tiles spill on AVX2's 16 registers and lose to the 4×2 ones, so only the AVX-512 build has them.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include "kernels/cpu/tile-4x4-impl.h"

namespace xc::avx2 {
void tile_q4_k_4x4(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  tile_impl::q4k_tile<4>(n, w, ws, x, xs, out, os);
}
}  // namespace xc::avx2
#endif
