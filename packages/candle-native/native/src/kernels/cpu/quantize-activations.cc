// Activation rows in the formats the weight kernels multiply against (kernel-table.h). The interleaved
// formats reuse the table's block quantizers and then move the bytes into the interleaved order, so every
// layout of a weight type sees the same quantized values.
#include <algorithm>
#include <cstring>

#include "common/error.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/kernel-table.h"

namespace xc {

namespace {

constexpr int64_t kGroup = 256;

// Byte 32v + 4k + i ← element 4v + i of block k (the interleaved order of interleave.h).
void interleave_quants(const int8_t* const blocks[8], int8_t out[256]) {
  for (int v = 0; v < 8; v++) {
    for (int k = 0; k < 8; k++) std::memcpy(out + 32 * v + 4 * k, blocks[k] + 4 * v, 4);
  }
}

void quantize_q8_0_x8(const KernelTable& kernels, const float* x, void* out, int64_t n) {
  const int64_t groups = n / kGroup;
  auto* group = static_cast<ActQ8_0x8*>(out);
  for (int64_t g = 0; g < groups; g++) {
    ActQ8_0 blocks[8];
    kernels.quantize_q8_0(x + g * kGroup, blocks, kGroup);
    const int8_t* quants[8];
    for (int k = 0; k < 8; k++) {
      group[g].d[k] = blocks[k].d;
      int sum = 0;
      for (int8_t q : blocks[k].qs) sum += q;
      group[g].sum[k] = sum;
      quants[k] = blocks[k].qs;
    }
    interleave_quants(quants, group[g].qs);
  }
  if (n > groups * kGroup) kernels.quantize_q8_0(x + groups * kGroup, group + groups, n - groups * kGroup);
}

void quantize_q8_k_x8(const KernelTable& kernels, const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8Kx8*>(out);
  for (int64_t b = 0; b < n / kQK_K; b++) {
    ActQ8K block;
    kernels.quantize_q8_k(x + b * kQK_K, &block, kQK_K);
    const int8_t* quants[8];
    blocks[b].d = block.d;
    for (int k = 0; k < 8; k++) {
      blocks[b].dsum[k] = block.d * static_cast<float>(block.bsums[2 * k] + block.bsums[2 * k + 1]);
      quants[k] = block.qs + 32 * k;
    }
    interleave_quants(quants, blocks[b].qs);
  }
}

// Q6_K's x16 order: byte 64v + 4k + i ← element 16k + 4v + i.
void quantize_q8_k_x16(const KernelTable& kernels, const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8Kx16*>(out);
  for (int64_t b = 0; b < n / kQK_K; b++) {
    ActQ8K block;
    kernels.quantize_q8_k(x + b * kQK_K, &block, kQK_K);
    blocks[b].d = block.d;
    for (int k = 0; k < 16; k++) {
      blocks[b].sum[k] = block.bsums[k];
      for (int v = 0; v < 4; v++) std::memcpy(blocks[b].qs + 64 * v + 4 * k, block.qs + 16 * k + 4 * v, 4);
    }
  }
}

// Q8_0 blocks, each with −128·Σ qs for the Rows16 layout's unsigned weights: the row quantized in one
// call (a call per block costs as much as the quantizing), then spread out with the sums.
void quantize_q8_0_sum(const KernelTable& kernels, const float* x, void* out, int64_t n) {
  if (kernels.quantize_q8_0_sum != nullptr) return kernels.quantize_q8_0_sum(x, out, n);
  constexpr int64_t kBatch = 64;  // blocks per call: a 2048-element stretch on the stack
  auto* blocks = static_cast<ActQ8_0Sum*>(out);
  ActQ8_0 row[kBatch];
  for (int64_t first = 0; first < n / kQK8_0; first += kBatch) {
    const int64_t count = std::min<int64_t>(kBatch, n / kQK8_0 - first);
    kernels.quantize_q8_0(x + first * kQK8_0, row, count * kQK8_0);
    for (int64_t b = 0; b < count; b++) {
      int sum = 0;
      for (int8_t q : row[b].qs) sum += q;
      blocks[first + b].d = row[b].d;
      blocks[first + b].offset = -128 * sum;
      std::memcpy(blocks[first + b].qs, row[b].qs, sizeof(row[b].qs));
    }
  }
}

}  // namespace

void quantize_activations(const KernelTable& kernels, ActivationFormat format, const float* x, void* out, int64_t n) {
  switch (format) {
    case ActivationFormat::Q8_0: kernels.quantize_q8_0(x, out, n); return;
    case ActivationFormat::Q8K: kernels.quantize_q8_k(x, out, n); return;
    case ActivationFormat::Q8_0x8: quantize_q8_0_x8(kernels, x, out, n); return;
    case ActivationFormat::Q8Kx8: quantize_q8_k_x8(kernels, x, out, n); return;
    case ActivationFormat::Q8Kx16: quantize_q8_k_x16(kernels, x, out, n); return;
    case ActivationFormat::Q8_0Sum: quantize_q8_0_sum(kernels, x, out, n); return;
    case ActivationFormat::F32: break;
  }
  fail(XC_ERR_INTERNAL, "f32 activations are used as they are");
}

}  // namespace xc
