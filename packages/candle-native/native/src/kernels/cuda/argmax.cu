// Greedy tokens: a row-wise argmax over the logits in two launches. argmax_chunks: blocks along each row
// reduce their chunk to (value, index); pick_tokens: one warp per row merges the chunks and writes the
// token (4 bytes per sequence instead of a row of logits). Ordering: larger value first, then lower
// index, with NaN read as −inf, so the first maximum wins and an all-NaN/−inf row gives 0.
#include <cmath>
#include <cstdint>

#include "kernels/cuda/cuda-check.h"
#include "kernels/cuda/cuda-ops.h"

namespace xc::cuda {

namespace {

constexpr int kThreads = 256;
constexpr int64_t kChunk = 8192;  // logits per block
constexpr int kNone = 0x7fffffff;

struct Candidate {
  float value;
  int index;
};

__device__ void keep_better(Candidate& best, float value, int index) {
  if (value > best.value || (value == best.value && index < best.index)) best = {value, index};
}

__device__ Candidate warp_best(Candidate c) {
  for (int offset = 16; offset > 0; offset /= 2) {
    const float value = __shfl_xor_sync(0xffffffffu, c.value, offset);
    const int index = __shfl_xor_sync(0xffffffffu, c.index, offset);
    keep_better(c, value, index);
  }
  return c;
}

int chunks_of(int64_t vocab) { return static_cast<int>((vocab + kChunk - 1) / kChunk); }

__global__ void __launch_bounds__(kThreads)
    argmax_chunks(const float* logits, int64_t vocab, int64_t stride, Candidate* partial) {
  __shared__ Candidate warps[kThreads / 32];
  const int row = blockIdx.y;
  const int64_t begin = blockIdx.x * kChunk;
  const int64_t end = begin + kChunk < vocab ? begin + kChunk : vocab;
  const float* x = logits + row * stride;
  Candidate best{-INFINITY, kNone};
  for (int64_t i = begin + threadIdx.x; i < end; i += kThreads) {  // rising indices: ties keep the first
    const float value = x[i];
    keep_better(best, isnan(value) ? -INFINITY : value, static_cast<int>(i));
  }
  best = warp_best(best);
  if (threadIdx.x % 32 == 0) warps[threadIdx.x / 32] = best;
  __syncthreads();
  if (threadIdx.x >= 32) return;
  best = threadIdx.x < kThreads / 32 ? warps[threadIdx.x] : Candidate{-INFINITY, kNone};
  best = warp_best(best);
  if (threadIdx.x == 0) partial[static_cast<int64_t>(row) * gridDim.x + blockIdx.x] = best;
}

__global__ void pick_tokens(const Candidate* partial, int chunks, int32_t* tokens, float* best_out, int32_t* positions) {
  const int row = blockIdx.x;
  Candidate best{-INFINITY, kNone};
  for (int c = threadIdx.x; c < chunks; c += 32) {
    const Candidate other = partial[static_cast<int64_t>(row) * chunks + c];
    keep_better(best, other.value, other.index);
  }
  best = warp_best(best);
  if (threadIdx.x != 0) return;
  tokens[row] = best.index == kNone ? 0 : best.index;
  if (best_out != nullptr) best_out[row] = best.value;
  if (positions != nullptr) positions[row] += 1;
}

}  // namespace

size_t argmax_workspace(int rows, int64_t vocab) {
  return static_cast<size_t>(rows) * static_cast<size_t>(chunks_of(vocab)) * sizeof(Candidate);
}

void argmax_rows(const float* logits, int rows, int64_t vocab, int64_t stride, void* workspace, int32_t* tokens,
                 float* best, int32_t* positions, Stream stream) {
  if (vocab <= 0 || vocab > kNone || rows > 65535) fail(XC_ERR_INVALID_ARGUMENT, "argmax_rows: vocab or rows out of range");
  if (rows <= 0) return;
  const int chunks = chunks_of(vocab);
  auto* partial = static_cast<Candidate*>(workspace);
  argmax_chunks<<<dim3(static_cast<unsigned>(chunks), static_cast<unsigned>(rows)), kThreads, 0, stream>>>(
      logits, vocab, stride, partial);
  check_launch("argmax_rows");
  pick_tokens<<<static_cast<unsigned>(rows), 32, 0, stream>>>(partial, chunks, tokens, best, positions);
  check_launch("argmax_rows pick");
}

}  // namespace xc::cuda
