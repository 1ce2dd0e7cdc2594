// The feed-forward gate: gate = act(gate) · up, element-wise over rows of a gate and an up matrix
// (llama family: SiLU; gemma: GELU with the tanh approximation), the CPU activations' formulas.
#include <cmath>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kThreads = 256;

template <GluKind kKind>
__global__ void __launch_bounds__(kThreads) glu_rows(float* gate, const float* up, int64_t n, int64_t stride) {
  const int64_t i = static_cast<int64_t>(blockIdx.x) * kThreads + threadIdx.x;
  if (i >= n) return;
  const int64_t at = blockIdx.y * stride + i;
  const float x = gate[at];
  float active;
  if constexpr (kKind == GluKind::Silu) {
    active = x / (1.0f + expf(-x));
  } else {
    constexpr float kSqrt2OverPi = 0.7978845608028654f;
    active = 0.5f * x * (1.0f + tanhf(kSqrt2OverPi * (x + 0.044715f * x * x * x)));
  }
  gate[at] = active * up[at];
}

}  // namespace

void glu(float* gate, const float* up, int64_t n, int rows, int64_t stride, GluKind kind, Stream stream) {
  if (rows > 65535) fail(XC_ERR_INVALID_ARGUMENT, "glu: more than 65535 rows");
  if (n <= 0 || rows <= 0) return;
  const dim3 grid(static_cast<unsigned>((n + kThreads - 1) / kThreads), static_cast<unsigned>(rows));
  if (kind == GluKind::Silu) {
    glu_rows<GluKind::Silu><<<grid, kThreads, 0, stream>>>(gate, up, n, stride);
  } else {
    glu_rows<GluKind::GeluTanh><<<grid, kThreads, 0, stream>>>(gate, up, n, stride);
  }
  check_launch("glu");
}

}  // namespace xc::cuda
