// The activation quantisers and the integer GEMV against the CPU's scalar quantiser and dot products.
#include <algorithm>
#include <cstring>
#include <string>
#include <vector>

#include "check.h"
#include "common/error.h"
#include "gpu-twins.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/kernel-table.h"
#if XC_HAS_CUDA
#include "gpu-twin-helpers.h"
#include "kernels/cuda/cuda-kernel-table.h"
#endif

namespace xch {

#if XC_HAS_CUDA

namespace {

static_assert(sizeof(xc::ActQ8_0) == 36 && sizeof(xc::ActQ8K) == 292, "the CUDA kernels' activation blocks");

// Rows of x quantized by the CPU's scalar quantiser (Q8_K: 256-element blocks with sums, else Q8_0).
std::vector<uint8_t> cpu_quantized(const std::vector<float>& x, int n, int rows, bool q8_k) {
  const size_t row_bytes = q8_k ? static_cast<size_t>(n / xc::kQK_K) * sizeof(xc::ActQ8K)
                                : static_cast<size_t>(n / xc::kQK8_0) * sizeof(xc::ActQ8_0);
  std::vector<uint8_t> out(row_bytes * rows);
  for (int r = 0; r < rows; r++) {
    auto quantize = q8_k ? xc::scalar_kernels().quantize_q8_k : xc::scalar_kernels().quantize_q8_0;
    quantize(x.data() + static_cast<size_t>(r) * n, out.data() + r * row_bytes, n);
  }
  return out;
}

xc::GgmlType quant_type_named(const std::string& dtype) {
  if (dtype == "Q8_0") return xc::GgmlType::Q8_0;
  if (dtype == "Q4_0") return xc::GgmlType::Q4_0;
  if (dtype == "Q4_K") return xc::GgmlType::Q4_K;
  if (dtype == "Q6_K") return xc::GgmlType::Q6_K;
  xc::fail(XC_ERR_INVALID_ARGUMENT, "no quantized GEMV check for dtype " + dtype);
}

}  // namespace

TwinResult quantize_twin(std::mt19937& rng, bool q8_k, int n, int rows) {
  const int block = q8_k ? xc::kQK_K : xc::kQK8_0;
  const size_t block_bytes = q8_k ? sizeof(xc::ActQ8K) : sizeof(xc::ActQ8_0);
  std::vector<float> x = twin::random_floats(rng, static_cast<size_t>(n) * rows, -3.0f, 3.0f);
  std::fill(x.begin(), x.begin() + block, 0.0f);  // a zero block: d = 0, every q 0
  // a block with max|x| = 127 (d = 1, scale 1): every other x·scale is an exact tie k + 0.5, rounded to even
  for (int j = 0; j < block; j++) x[static_cast<size_t>(block + j)] = j == 0 ? 127.0f : static_cast<float>(j % 16) - 7.5f;
  const std::vector<uint8_t> expected = cpu_quantized(x, n, rows, q8_k);
  const auto x_gpu = twin::on_device(x);
  xc::cuda::DeviceBuffer out(expected.size());
  out.fill(0xA5);
  const xc::cuda::CudaKernelTable& kernels = xc::cuda::cuda_kernels();
  (q8_k ? kernels.quantize_q8_k : kernels.quantize_q8_0)(x_gpu->as<float>(), out.data(), n, rows, nullptr);
  xc::cuda::synchronize();
  const std::vector<uint8_t> got = twin::download<uint8_t>(out, expected.size());
  const size_t blocks = expected.size() / block_bytes;
  size_t differing = 0;
  for (size_t b = 0; b < blocks; b++) {
    differing += std::memcmp(&got[b * block_bytes], &expected[b * block_bytes], block_bytes) != 0 ? 1 : 0;
  }
  TwinResult result{static_cast<double>(differing) / static_cast<double>(blocks), ""};
  if (differing > 0) result.problem = std::to_string(differing) + " of " + std::to_string(blocks) + " blocks differ from the CPU's bytes";
  return result;
}

TwinResult gemv_quant_twin(std::mt19937& rng, const std::string& dtype, int rows, int n, int tokens, bool bias,
                           bool accumulate) {
  const xc::GgmlType type = quant_type_named(dtype);
  const xc::cuda::CudaWeightTraits& traits = xc::cuda::cuda_kernels().traits(type);
  const std::vector<uint8_t> w = random_weights(rng, type, rows, n);
  const std::vector<float> x = twin::random_floats(rng, static_cast<size_t>(tokens) * n, -1.0f, 1.0f);
  const std::vector<uint8_t> xq = cpu_quantized(x, n, tokens, traits.q8_k_activations);
  const std::vector<float> b = twin::random_floats(rng, static_cast<size_t>(rows), -1.0f, 1.0f);
  const int64_t stride = rows + 5;  // the gaps between output rows must keep their poison
  const size_t out_count = static_cast<size_t>(tokens) * stride;
  std::vector<float> before(out_count);
  std::memset(before.data(), 0xFF, out_count * sizeof(float));
  const std::vector<float> initial = twin::random_floats(rng, out_count, -1.0f, 1.0f);
  for (int t = 0; t < tokens && accumulate; t++) {
    for (int r = 0; r < rows; r++) before[t * stride + r] = initial[t * stride + r];
  }
  const auto w_gpu = twin::on_device(w);
  const auto xq_gpu = twin::on_device(xq);
  const auto b_gpu = twin::on_device(b);
  const auto out_gpu = twin::on_device(before);
  traits.quant_gemv(w_gpu->data(), rows, n, xq_gpu->data(), tokens,
                                                   bias ? b_gpu->as<float>() : nullptr, out_gpu->as<float>(), stride,
                                                   accumulate, nullptr);
  xc::cuda::synchronize();
  const std::vector<float> all = twin::download(*out_gpu, out_count);
  const xc::DotFn dot = xc::scalar_kernels().kernels_for(type).dot;
  const size_t w_row = w.size() / static_cast<size_t>(rows);
  const size_t x_row = xq.size() / static_cast<size_t>(tokens);
  const auto row_dot = [&](int t, int64_t r) {
    return dot(n, w.data() + static_cast<size_t>(r) * w_row, xq.data() + static_cast<size_t>(t) * x_row);
  };
  return twin::compare_gemv_outputs(all, before, tokens, rows, stride, bias ? b.data() : nullptr, accumulate, row_dot);
}

#else

TwinResult quantize_twin(std::mt19937&, bool, int, int) { return {0, "built without CUDA"}; }
TwinResult gemv_quant_twin(std::mt19937&, const std::string&, int, int, int, bool, bool) { return {0, "built without CUDA"}; }

#endif

}  // namespace xch
