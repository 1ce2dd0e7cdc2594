#include <cmath>
#include <cstdlib>

#include "kernels/cpu/block-types.h"
#include "kernels/cpu/scalar-kernels.h"

namespace xc::scalar {

// Symmetric 8-bit blocks with d = max|x| / 127; lrintf rounds half to even like the AVX2 path.
void quantize_q8_0(const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8_0*>(out);
  for (int64_t i = 0; i < n / kQK8_0; i++) {
    const float* v = x + i * kQK8_0;
    float amax = 0;
    for (int j = 0; j < kQK8_0; j++) amax = std::fmax(amax, std::fabs(v[j]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 127.0f / amax : 0.0f;
    blocks[i].d = d;
    for (int j = 0; j < kQK8_0; j++) blocks[i].qs[j] = static_cast<int8_t>(std::lrintf(v[j] * id));
  }
}

void quantize_q8_k(const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8K*>(out);
  for (int64_t i = 0; i < n / kQK_K; i++) {
    const float* v = x + i * kQK_K;
    float amax = 0;
    for (int j = 0; j < kQK_K; j++) amax = std::fmax(amax, std::fabs(v[j]));
    const float d = amax / 127.0f;
    const float id = d != 0 ? 127.0f / amax : 0.0f;
    blocks[i].d = d;
    for (int j = 0; j < kQK_K; j++) blocks[i].qs[j] = static_cast<int8_t>(std::lrintf(v[j] * id));
    for (int g = 0; g < kQK_K / 16; g++) {
      int sum = 0;
      for (int j = 0; j < 16; j++) sum += blocks[i].qs[g * 16 + j];
      blocks[i].bsums[g] = static_cast<int16_t>(sum);
    }
  }
}

}  // namespace xc::scalar
