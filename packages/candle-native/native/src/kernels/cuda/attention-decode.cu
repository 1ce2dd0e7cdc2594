// Decode attention split along the keys (flash-decoding). attend_split: one block per (split, kv head,
// token), holding that GQA group's query heads (up to kDecodeGroup) in shared memory, so each K/V row
// is read once for the whole group; each warp runs an online softmax over its own sub-range of the
// split's keys and writes a partial (output divided by its own denominator, then each head's score max
// and denominator, the CPU attention_slice's format). combine_parts merges the partials exactly.
#include <cuda_fp16.h>

#include <cmath>
#include <string>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kWarps = 4;
constexpr int kMaxSplits = 256;

__host__ __device__ int64_t part_floats(int head_dim) { return static_cast<int64_t>(kDecodeGroup) * head_dim + 2 * kDecodeGroup; }
int chunks_of(const DecodeAttentionArgs& a) {
  const int group = a.heads / a.kv_heads;
  return (group + kDecodeGroup - 1) / kDecodeGroup;
}

struct KeyRange {
  int first = 0;
  int keys = 0;  // 0: the token's slot or position is out of range
};

__device__ KeyRange key_range(const DecodeAttentionArgs& a, int t) {
  const int slot = a.slots[t];
  const int last = a.positions[t];
  KeyRange range;
  if (slot < 0 || slot >= a.cache.sequences || last < 0 || last >= a.cache.positions) return range;
  range.first = a.window > 0 && last - a.window + 1 > 0 ? last - a.window + 1 : 0;
  range.keys = last - range.first + 1;
  return range;
}

// E: head_dim / 32 elements per lane (lane l holds elements l, l + 32, …: 64-byte coalesced f16 reads)
template <int E>
__global__ void __launch_bounds__(kWarps * 32) attend_split(DecodeAttentionArgs a, int chunks) {
  constexpr int hd = 32 * E;
  __shared__ float queries[kDecodeGroup][hd];
  const int split = blockIdx.x;
  const int kv_head = blockIdx.y / chunks;
  const int chunk = blockIdx.y % chunks;
  const int t = blockIdx.z;
  const int warp = threadIdx.x / 32;
  const int lane = threadIdx.x % 32;
  const int group = a.heads / a.kv_heads;
  const int first_head = kv_head * group + chunk * kDecodeGroup;
  const int heads = group - chunk * kDecodeGroup < kDecodeGroup ? group - chunk * kDecodeGroup : kDecodeGroup;
  const float* q = a.q + t * a.q_stride + static_cast<int64_t>(first_head) * hd;
  for (int i = threadIdx.x; i < heads * hd; i += kWarps * 32) queries[i / hd][i % hd] = q[i];
  __syncthreads();

  const KeyRange range = key_range(a, t);
  const int slot = a.slots[t];
  const int from = range.first + static_cast<int>(static_cast<int64_t>(range.keys) * split / a.splits);
  const int to = range.first + static_cast<int>(static_cast<int64_t>(range.keys) * (split + 1) / a.splits);
  const int begin = from + (to - from) * warp / kWarps;
  const int end = from + (to - from) * (warp + 1) / kWarps;
  const int64_t base = range.keys > 0 ? slot * a.cache.seq_stride + kv_head * a.cache.head_stride : 0;
  const __half* keys = reinterpret_cast<const __half*>(a.cache.keys) + base;
  const __half* values = reinterpret_cast<const __half*>(a.cache.values) + base;

  float max[kDecodeGroup], denominator[kDecodeGroup], acc[kDecodeGroup][E];
#pragma unroll
  for (int h = 0; h < kDecodeGroup; h++) {
    max[h] = -INFINITY;
    denominator[h] = 0.0f;
#pragma unroll
    for (int e = 0; e < E; e++) acc[h][e] = 0.0f;
  }
  for (int j = begin; j < end; j++) {
    float k[E], v[E];
#pragma unroll
    for (int e = 0; e < E; e++) {
      k[e] = __half2float(keys[static_cast<int64_t>(j) * hd + lane + 32 * e]);
      v[e] = __half2float(values[static_cast<int64_t>(j) * hd + lane + 32 * e]);
    }
#pragma unroll
    for (int h = 0; h < kDecodeGroup; h++) {
      if (h >= heads) break;
      float dot = 0.0f;
#pragma unroll
      for (int e = 0; e < E; e++) dot = fmaf(k[e], queries[h][lane + 32 * e], dot);
      for (int offset = 16; offset > 0; offset /= 2) dot += __shfl_xor_sync(0xffffffffu, dot, offset);
      float s = dot * a.scale;
      if (a.softcap > 0.0f) s = a.softcap * tanhf(s / a.softcap);
      if (s > max[h]) {
        const float correction = expf(max[h] - s);  // 0 for the first key
        denominator[h] *= correction;
#pragma unroll
        for (int e = 0; e < E; e++) acc[h][e] *= correction;
        max[h] = s;
      }
      const float p = expf(s - max[h]);
      denominator[h] += p;
#pragma unroll
      for (int e = 0; e < E; e++) acc[h][e] = fmaf(p, v[e], acc[h][e]);
    }
  }

  const int head_chunks = a.kv_heads * chunks;
  float* part = a.workspace +
                (((static_cast<int64_t>(t) * head_chunks + blockIdx.y) * a.splits + split) * kWarps + warp) * part_floats(hd);
#pragma unroll
  for (int h = 0; h < kDecodeGroup; h++) {
    if (h >= heads) break;
    const float inverse = denominator[h] > 0.0f ? 1.0f / denominator[h] : 0.0f;
#pragma unroll
    for (int e = 0; e < E; e++) part[h * hd + lane + 32 * e] = acc[h][e] * inverse;
    if (lane == 0) {
      part[kDecodeGroup * hd + h] = max[h];
      part[kDecodeGroup * hd + kDecodeGroup + h] = denominator[h];
    }
  }
}

// One block per (kv head chunk, token), one thread per output element of each head.
__global__ void combine_parts(DecodeAttentionArgs a, int chunks) {
  const int hd = a.head_dim;
  const int t = blockIdx.y;
  const int kv_head = blockIdx.x / chunks;
  const int chunk = blockIdx.x % chunks;
  const int group = a.heads / a.kv_heads;
  const int heads = group - chunk * kDecodeGroup < kDecodeGroup ? group - chunk * kDecodeGroup : kDecodeGroup;
  const int parts = a.splits * kWarps;
  const int64_t stride = part_floats(hd);
  const float* first_part = a.workspace + (static_cast<int64_t>(t) * a.kv_heads * chunks + blockIdx.x) * parts * stride;
  float* out = a.out + t * a.out_stride + static_cast<int64_t>(kv_head * group + chunk * kDecodeGroup) * hd;
  for (int i = threadIdx.x; i < heads * hd; i += blockDim.x) {
    const int h = i / hd;
    float max = -INFINITY;
    for (int p = 0; p < parts; p++) {
      const float* stats = first_part + p * stride + kDecodeGroup * hd;
      if (stats[kDecodeGroup + h] > 0.0f) max = fmaxf(max, stats[h]);
    }
    float sum = 0.0f, total = 0.0f;
    for (int p = 0; p < parts; p++) {
      const float* stats = first_part + p * stride + kDecodeGroup * hd;
      const float denominator = stats[kDecodeGroup + h];
      if (denominator <= 0.0f) continue;
      const float weight = denominator * expf(stats[h] - max);
      sum = fmaf(weight, first_part[p * stride + i], sum);
      total += weight;
    }
    out[i] = total > 0.0f ? sum * (1.0f / total) : NAN;  // no keys: the token's slot or position was invalid
  }
}

template <int E>
void launch(const DecodeAttentionArgs& a, int chunks, Stream stream) {
  const dim3 grid(static_cast<unsigned>(a.splits), static_cast<unsigned>(a.kv_heads * chunks),
                  static_cast<unsigned>(a.tokens));
  attend_split<E><<<grid, kWarps * 32, 0, stream>>>(a, chunks);
  check_launch("decode_attention");
}

}  // namespace

size_t decode_attention_workspace(int tokens, int heads, int kv_heads, int head_dim, int splits) {
  if (kv_heads <= 0) return 0;
  const int group = heads / kv_heads;
  const int chunks = (group + kDecodeGroup - 1) / kDecodeGroup;
  return static_cast<size_t>(tokens) * kv_heads * chunks * splits * kWarps * static_cast<size_t>(part_floats(head_dim));
}

void decode_attention(const DecodeAttentionArgs& a, Stream stream) {
  const bool shape_ok = a.kv_heads > 0 && a.heads >= a.kv_heads && a.heads % a.kv_heads == 0 && a.splits >= 1 &&
                        a.splits <= kMaxSplits && a.tokens <= 65535 && a.workspace != nullptr;
  if (!shape_ok || (a.head_dim != 64 && a.head_dim != 96 && a.head_dim != 128 && a.head_dim != 256)) {
    fail(XC_ERR_INVALID_ARGUMENT, "decode_attention: heads " + std::to_string(a.heads) + ", kv_heads " +
                                      std::to_string(a.kv_heads) + ", head_dim " + std::to_string(a.head_dim) +
                                      ", splits " + std::to_string(a.splits) + " not supported");
  }
  if (a.tokens <= 0) return;
  const int chunks = chunks_of(a);
  switch (a.head_dim) {
    case 64: launch<2>(a, chunks, stream); break;
    case 96: launch<3>(a, chunks, stream); break;
    case 128: launch<4>(a, chunks, stream); break;
    default: launch<8>(a, chunks, stream); break;
  }
  const dim3 grid(static_cast<unsigned>(a.kv_heads * chunks), static_cast<unsigned>(a.tokens));
  combine_parts<<<grid, a.head_dim, 0, stream>>>(a, chunks);
  check_launch("decode_attention combine");
}

}  // namespace xc::cuda
