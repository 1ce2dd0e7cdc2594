#include "gpu-twins.h"

#include <cmath>
#include <cstddef>
#include <cstring>
#include <memory>
#include <vector>

#include "check.h"
#include "common/error.h"
#include "common/fp16.h"
#include "kernels/cpu/block-types.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kernel-table.h"
#if XC_HAS_CUDA
#include "kernels/cuda/cuda-kernel-table.h"
#include "kernels/cuda/device-buffer.h"
#include "gpu-twin-helpers.h"
#endif

namespace xch {

#if XC_HAS_CUDA

namespace {

using xc::GgmlType;
using xc::cuda::DeviceBuffer;
using twin::download;
using twin::on_device;
using twin::random_floats;
using twin::unwritten;

GgmlType type_named(const std::string& dtype) {
  if (dtype == "F32") return GgmlType::F32;
  if (dtype == "F16") return GgmlType::F16;
  if (dtype == "BF16") return GgmlType::BF16;
  if (dtype == "Q8_0") return GgmlType::Q8_0;
  if (dtype == "Q4_0") return GgmlType::Q4_0;
  xc::fail(XC_ERR_INVALID_ARGUMENT, "no GPU check for dtype " + dtype);
}

uint16_t to_bf16(float value) {  // round to nearest even
  uint32_t bits;
  std::memcpy(&bits, &value, 4);
  return static_cast<uint16_t>((bits + 0x7fffu + ((bits >> 16) & 1u)) >> 16);
}

}  // namespace

std::vector<uint8_t> random_weights(std::mt19937& rng, xc::GgmlType type, int64_t rows, int64_t n) {
  const int64_t count = rows * n;
  if (type == xc::GgmlType::Q8_0) {
    std::vector<xc::BlockQ8_0> blocks(static_cast<size_t>(count / xc::kQK8_0));
    std::uniform_real_distribution<float> scale(0.001f, 0.05f);
    std::uniform_int_distribution<int> quant(-127, 127);
    for (xc::BlockQ8_0& block : blocks) {
      block.d = xc::f32_to_fp16(scale(rng));
      for (int8_t& q : block.qs) q = static_cast<int8_t>(quant(rng));
    }
    std::vector<uint8_t> bytes(blocks.size() * sizeof(xc::BlockQ8_0));
    std::memcpy(bytes.data(), blocks.data(), bytes.size());
    return bytes;
  }
  if (type == xc::GgmlType::Q4_K || type == xc::GgmlType::Q6_K) {  // random bytes, small finite f16 scales
    const bool q4k = type == xc::GgmlType::Q4_K;
    const size_t block_bytes = q4k ? sizeof(xc::BlockQ4K) : sizeof(xc::BlockQ6K);
    std::vector<uint8_t> bytes(static_cast<size_t>(count / xc::kQK_K) * block_bytes);
    std::uniform_int_distribution<int> byte(0, 255);
    for (uint8_t& b : bytes) b = static_cast<uint8_t>(byte(rng));
    std::uniform_real_distribution<float> scale(0.0005f, 0.01f);
    for (size_t at = 0; at < bytes.size(); at += block_bytes) {
      const uint16_t d = xc::f32_to_fp16(scale(rng)), dmin = xc::f32_to_fp16(scale(rng));
      if (q4k) {
        std::memcpy(&bytes[at + offsetof(xc::BlockQ4K, d)], &d, 2);
        std::memcpy(&bytes[at + offsetof(xc::BlockQ4K, dmin)], &dmin, 2);
      } else {
        std::memcpy(&bytes[at + offsetof(xc::BlockQ6K, d)], &d, 2);
      }
    }
    return bytes;
  }
  if (type == xc::GgmlType::Q4_0) {
    std::vector<xc::BlockQ4_0> blocks(static_cast<size_t>(count / xc::kQK4_0));
    std::uniform_real_distribution<float> scale(0.001f, 0.1f);
    std::uniform_int_distribution<int> byte(0, 255);
    for (xc::BlockQ4_0& block : blocks) {
      block.d = xc::f32_to_fp16(scale(rng));
      for (uint8_t& q : block.qs) q = static_cast<uint8_t>(byte(rng));
    }
    std::vector<uint8_t> bytes(blocks.size() * sizeof(xc::BlockQ4_0));
    std::memcpy(bytes.data(), blocks.data(), bytes.size());
    return bytes;
  }
  const std::vector<float> values = random_floats(rng, static_cast<size_t>(count), -1.0f, 1.0f);
  const size_t element = type == xc::GgmlType::F32 ? 4 : 2;
  std::vector<uint8_t> bytes(values.size() * element);
  for (size_t i = 0; i < values.size(); i++) {
    if (type == xc::GgmlType::F32) std::memcpy(&bytes[i * 4], &values[i], 4);
    const uint16_t half = type == xc::GgmlType::F16 ? xc::f32_to_fp16(values[i]) : to_bf16(values[i]);
    if (type != xc::GgmlType::F32) std::memcpy(&bytes[i * 2], &half, 2);
  }
  return bytes;
}

TwinResult embedding_twin(std::mt19937& rng, const std::string& dtype, int vocab, int dim, int count, float scale) {
  const GgmlType type = type_named(dtype);
  const std::vector<uint8_t> table = random_weights(rng, type, vocab, dim);
  std::uniform_int_distribution<int> id(0, vocab - 1);
  std::vector<int32_t> tokens(static_cast<size_t>(count));
  for (int32_t& token : tokens) token = id(rng);
  tokens.front() = 0, tokens.back() = vocab - 1;
  const auto table_gpu = on_device(table);
  const auto tokens_gpu = on_device(tokens);
  DeviceBuffer out(static_cast<size_t>(count) * dim * sizeof(float));
  out.fill(0xFF);
  xc::cuda::cuda_kernels().traits(type).embedding(table_gpu->data(), vocab, dim, tokens_gpu->as<int32_t>(), count, scale,
                                                  out.as<float>(), nullptr);
  xc::cuda::synchronize();
  const std::vector<float> got = download(out, static_cast<size_t>(count) * dim);
  const size_t row_bytes = table.size() / static_cast<size_t>(vocab);
  std::vector<float> expected(got.size());
  for (int t = 0; t < count; t++) {
    float* row = expected.data() + static_cast<size_t>(t) * dim;
    xc::dequantize_row(type, table.data() + static_cast<size_t>(tokens[t]) * row_bytes, row, dim);
    for (int i = 0; i < dim; i++) row[i] *= scale;
  }
  return {relative_l2(got.data(), expected.data(), got.size()), unwritten(got)};
}

TwinResult embedding_out_of_range_twin(std::mt19937& rng, int vocab, int dim) {
  const std::vector<uint8_t> table = random_weights(rng, GgmlType::F32, vocab, dim);
  const std::vector<int32_t> tokens = {-1, vocab, vocab / 2};
  const auto table_gpu = on_device(table);
  const auto tokens_gpu = on_device(tokens);
  DeviceBuffer out(3 * static_cast<size_t>(dim) * sizeof(float));
  out.fill(0x7F);  // a finite poison: the NaN rows must be written
  xc::cuda::cuda_kernels().traits(GgmlType::F32).embedding(table_gpu->data(), vocab, dim, tokens_gpu->as<int32_t>(), 3,
                                                           1.0f, out.as<float>(), nullptr);
  xc::cuda::synchronize();
  const std::vector<float> got = download(out, 3 * static_cast<size_t>(dim));
  size_t not_nan = 0;
  for (int i = 0; i < 2 * dim; i++) not_nan += std::isnan(got[static_cast<size_t>(i)]) ? 0 : 1;
  const float* valid = reinterpret_cast<const float*>(table.data()) + static_cast<size_t>(vocab / 2) * dim;
  TwinResult result{relative_l2(got.data() + 2 * dim, valid, static_cast<size_t>(dim)), ""};
  if (not_nan > 0) result.problem = std::to_string(not_nan) + " elements of the out-of-range rows are not NaN";
  return result;
}

TwinResult rms_norm_residual_twin(std::mt19937& rng, int dim, int rows, bool residual) {
  const size_t n = static_cast<size_t>(dim) * rows;
  std::vector<float> x = random_floats(rng, n, -2.0f, 2.0f);
  const std::vector<float> delta = random_floats(rng, n, -2.0f, 2.0f);
  const std::vector<float> weight = random_floats(rng, static_cast<size_t>(dim), 0.5f, 1.5f);
  const float eps = 1e-6f;
  const auto x_gpu = on_device(x);
  const auto delta_gpu = on_device(delta);
  const auto weight_gpu = on_device(weight);
  DeviceBuffer y(n * sizeof(float));
  y.fill(0xFF);
  xc::cuda::cuda_kernels().rms_norm_residual(x_gpu->as<float>(), residual ? delta_gpu->as<float>() : nullptr,
                                             weight_gpu->as<float>(), y.as<float>(), dim, rows, eps, nullptr);
  xc::cuda::synchronize();
  const std::vector<float> x_got = download(*x_gpu, n);
  const std::vector<float> y_got = download(y, n);
  std::vector<float> y_expected(n);
  for (size_t i = 0; residual && i < n; i++) x[i] += delta[i];
  for (int r = 0; r < rows; r++) {
    xc::cpu::rms_norm(x.data() + static_cast<size_t>(r) * dim, weight.data(), y_expected.data() + static_cast<size_t>(r) * dim,
                      dim, eps);
  }
  TwinResult result{relative_l2(y_got.data(), y_expected.data(), n), unwritten(y_got)};
  if (std::memcmp(x_got.data(), x.data(), n * sizeof(float)) != 0 && result.problem.empty()) {
    result.problem = "x after the residual add differs from the CPU's x + residual";
  }
  return result;
}

TwinResult glu_twin(std::mt19937& rng, bool gelu, int n, int rows) {
  const int64_t stride = 2 * static_cast<int64_t>(n);  // a fused gate | up row
  std::vector<float> x = random_floats(rng, static_cast<size_t>(rows) * stride, -6.0f, 6.0f);
  const auto x_gpu = on_device(x);
  xc::cuda::cuda_kernels().glu(x_gpu->as<float>(), x_gpu->as<float>() + n, n, rows, stride,
                               gelu ? xc::cuda::GluKind::GeluTanh : xc::cuda::GluKind::Silu, nullptr);
  xc::cuda::synchronize();
  const std::vector<float> all = download(*x_gpu, x.size());
  std::vector<float> got, expected;
  size_t up_changed = 0;
  for (int r = 0; r < rows; r++) {
    float* gate = x.data() + r * stride;
    (gelu ? xc::cpu::gelu_tanh_mul : xc::cpu::silu_mul)(gate, gate + n, n);
    got.insert(got.end(), all.begin() + r * stride, all.begin() + r * stride + n);
    expected.insert(expected.end(), gate, gate + n);
    up_changed += std::memcmp(&all[static_cast<size_t>(r * stride + n)], gate + n, sizeof(float) * n) != 0 ? 1 : 0;
  }
  TwinResult result{relative_l2(got.data(), expected.data(), got.size()), unwritten(got)};
  if (result.problem.empty() && up_changed > 0) result.problem = "the up rows changed";
  return result;
}

TwinResult gemv_twin(std::mt19937& rng, const std::string& dtype, int rows, int n, int tokens, bool bias,
                     bool accumulate) {
  const GgmlType type = type_named(dtype);
  const std::vector<uint8_t> w = random_weights(rng, type, rows, n);
  const std::vector<float> x = random_floats(rng, static_cast<size_t>(tokens) * n, -1.0f, 1.0f);
  const std::vector<float> b = random_floats(rng, static_cast<size_t>(rows), -1.0f, 1.0f);
  const int64_t stride = rows + 3;  // the gaps between output rows must keep their poison
  const size_t out_count = static_cast<size_t>(tokens) * stride;
  std::vector<float> before(out_count);
  std::memset(before.data(), 0xFF, out_count * sizeof(float));
  const std::vector<float> initial = random_floats(rng, out_count, -1.0f, 1.0f);
  for (int t = 0; t < tokens && accumulate; t++) {
    for (int r = 0; r < rows; r++) before[t * stride + r] = initial[t * stride + r];
  }
  const auto w_gpu = on_device(w);
  const auto x_gpu = on_device(x);
  const auto b_gpu = on_device(b);
  const auto out_gpu = on_device(before);
  xc::cuda::cuda_kernels().traits(type).gemv(w_gpu->data(), rows, n, x_gpu->as<float>(), tokens,
                                             bias ? b_gpu->as<float>() : nullptr, out_gpu->as<float>(), stride,
                                             accumulate, nullptr);
  xc::cuda::synchronize();
  const std::vector<float> all = download(*out_gpu, out_count);
  const xc::DotFn dot = xc::scalar_kernels().kernels_for(type).dot;
  const size_t row_bytes = w.size() / static_cast<size_t>(rows);
  const auto row_dot = [&](int t, int64_t r) {
    return dot(n, w.data() + static_cast<size_t>(r) * row_bytes, x.data() + static_cast<size_t>(t) * n);
  };
  return twin::compare_gemv_outputs(all, before, tokens, rows, stride, bias ? b.data() : nullptr, accumulate, row_dot);
}

#else

TwinResult embedding_twin(std::mt19937&, const std::string&, int, int, int, float) { return {0, "built without CUDA"}; }
TwinResult embedding_out_of_range_twin(std::mt19937&, int, int) { return {0, "built without CUDA"}; }
TwinResult rms_norm_residual_twin(std::mt19937&, int, int, bool) { return {0, "built without CUDA"}; }
TwinResult glu_twin(std::mt19937&, bool, int, int) { return {0, "built without CUDA"}; }
TwinResult gemv_twin(std::mt19937&, const std::string&, int, int, int, bool, bool) { return {0, "built without CUDA"}; }

#endif

}  // namespace xch
