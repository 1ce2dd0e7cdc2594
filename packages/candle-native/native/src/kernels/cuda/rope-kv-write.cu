// q/k/v bias, per-head RMSNorm (qwen3, gemma3), RoPE and the f16 KV-cache write in one kernel: one warp
// per head vector (q heads, then k heads, then v heads), the token's slot and position read from
// device memory so a captured decode step can be replayed.
#include <cuda_fp16.h>

#include <cmath>
#include <string>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kWarps = 4;

__global__ void __launch_bounds__(kWarps * 32) rope_kv(RopeKvArgs a) {
  __shared__ float buffers[kWarps][kMaxCudaHeadDim];
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int vector = blockIdx.x * kWarps + warp;
  const int t = blockIdx.y;
  if (vector >= a.heads + 2 * a.kv_heads) return;  // the whole warp leaves together
  const int kind = vector < a.heads ? 0 : vector < a.heads + a.kv_heads ? 1 : 2;  // q, k, v
  const int head = kind == 0 ? vector : kind == 1 ? vector - a.heads : vector - a.heads - a.kv_heads;
  const int hd = a.head_dim;
  const float* source = (kind == 0 ? a.q : kind == 1 ? a.k : a.v) + t * a.qkv_stride + head * hd;
  const float* bias = kind == 0 ? a.q_bias : kind == 1 ? a.k_bias : a.v_bias;
  const float* norm = kind == 0 ? a.q_norm : kind == 1 ? a.k_norm : nullptr;
  const int slot = a.slots[t];
  const int position = a.positions[t];
  const bool valid = slot >= 0 && slot < a.cache.sequences && position >= 0 && position < a.cache.positions &&
                     (a.rope_dims == 0 || position < a.table_positions);
  float* v = buffers[warp];

  float sum = 0.0f;
  for (int i = lane; i < hd; i += 32) {
    float x = source[i];
    if (bias != nullptr) x += bias[head * hd + i];
    v[i] = x;
    sum = fmaf(x, x, sum);
  }
  if (norm != nullptr) {
    for (int offset = 16; offset > 0; offset /= 2) sum += __shfl_xor_sync(0xffffffffu, sum, offset);
    const float scale = 1.0f / sqrtf(sum / static_cast<float>(hd) + a.eps);
    for (int i = lane; i < hd; i += 32) v[i] = v[i] * scale * norm[i];  // each lane its own elements
  }
  __syncwarp();
  if (kind != 2 && valid && a.rope_dims > 0) {
    const int half = a.rope_dims / 2;
    const float* angles = a.cos_sin + static_cast<int64_t>(position) * a.rope_dims;
    for (int i = lane; i < half; i += 32) {  // each pair belongs to one lane
      const float c = angles[2 * i];
      const float s = angles[2 * i + 1];
      const int first = a.neox ? i : 2 * i;
      const int second = a.neox ? i + half : 2 * i + 1;
      const float x0 = v[first];
      const float x1 = v[second];
      v[first] = x0 * c - x1 * s;
      v[second] = x0 * s + x1 * c;
    }
    __syncwarp();
  }
  if (kind == 0) {
    float* q = a.q + t * a.qkv_stride + head * hd;
    for (int i = lane; i < hd; i += 32) q[i] = valid ? v[i] : NAN;
    return;
  }
  if (!valid) return;
  uint16_t* row = (kind == 1 ? a.cache.keys : a.cache.values) + slot * a.cache.seq_stride +
                  head * a.cache.head_stride + static_cast<int64_t>(position) * hd;
  for (int i = lane; i < hd; i += 32) row[i] = __half_as_ushort(__float2half_rn(v[i]));
}

}  // namespace

void rope_kv_write(const RopeKvArgs& args, Stream stream) {
  if (args.head_dim <= 0 || args.head_dim > kMaxCudaHeadDim || args.head_dim % 2 != 0 || args.rope_dims < 0 ||
      args.rope_dims > args.head_dim || args.rope_dims % 2 != 0 || (args.rope_dims > 0 && args.cos_sin == nullptr) ||
      args.tokens > 65535) {
    fail(XC_ERR_INVALID_ARGUMENT, "rope_kv_write: head_dim " + std::to_string(args.head_dim) + ", rope_dims " +
                                      std::to_string(args.rope_dims) + ", tokens " + std::to_string(args.tokens) +
                                      " out of range");
  }
  if (args.tokens <= 0) return;
  const int vectors = args.heads + 2 * args.kv_heads;
  const dim3 grid(static_cast<unsigned>((vectors + kWarps - 1) / kWarps), static_cast<unsigned>(args.tokens));
  rope_kv<<<grid, kWarps * 32, 0, stream>>>(args);
  check_launch("rope_kv_write");
}

}  // namespace xc::cuda
