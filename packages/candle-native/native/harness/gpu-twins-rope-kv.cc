// The RoPE + KV-write kernel against the CPU forward's per-token steps (llama-forward.cc): bias, per-head
// rms_norm, rope_angles / rope_rotate, f32_to_fp16 into the cache.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>
#include <vector>

#include "check.h"
#include "common/fp16.h"
#include "gpu-twins.h"
#include "kernels/cpu/cpu-ops.h"
#if XC_HAS_CUDA
#include "gpu-twin-helpers.h"
#include "kernels/cuda/cuda-kernel-table.h"
#endif

namespace xch {

#if XC_HAS_CUDA

TwinResult rope_kv_twin(std::mt19937& rng, const RopeKvCase& c) {
  using twin::on_device;
  const int hd = c.head_dim;
  const int q_dim = c.heads * hd;
  const int kv_dim = c.kv_heads * hd;
  const int stride = q_dim + 2 * kv_dim;  // one fused q | k | v row per token
  std::vector<float> qkv = twin::random_floats(rng, static_cast<size_t>(c.tokens) * stride, -1.0f, 1.0f);
  const std::vector<float> bias = twin::random_floats(rng, static_cast<size_t>(stride), -0.5f, 0.5f);
  const std::vector<float> q_norm = twin::random_floats(rng, static_cast<size_t>(hd), 0.5f, 1.5f);
  const std::vector<float> k_norm = twin::random_floats(rng, static_cast<size_t>(hd), 0.5f, 1.5f);

  // distinct (slot, position) per token; the last one out of range when asked
  std::vector<int> cells(static_cast<size_t>(c.sequences) * c.positions);
  std::iota(cells.begin(), cells.end(), 0);
  std::shuffle(cells.begin(), cells.end(), rng);
  std::vector<int32_t> slots(static_cast<size_t>(c.tokens)), positions(static_cast<size_t>(c.tokens));
  for (int t = 0; t < c.tokens; t++) {
    slots[static_cast<size_t>(t)] = cells[static_cast<size_t>(t)] / c.positions;
    positions[static_cast<size_t>(t)] = cells[static_cast<size_t>(t)] % c.positions;
  }
  if (c.invalid_last) positions.back() = c.positions;

  xc::cpu::RopeParams rope;
  rope.style = c.neox ? xc::cpu::RopeStyle::Neox : xc::cpu::RopeStyle::Normal;
  rope.dims = c.rope_dims;
  rope.base = c.neox ? 1000000.0f : 10000.0f;
  std::vector<float> table(static_cast<size_t>(c.positions) * c.rope_dims);
  for (int p = 0; p < c.positions; p++) xc::cpu::rope_angles(p, rope, table.data() + static_cast<size_t>(p) * c.rope_dims);

  const size_t cache_elements = static_cast<size_t>(c.sequences) * c.kv_heads * c.positions * hd;
  const std::vector<uint16_t> poison(cache_elements, 0xFFFF);  // f16 NaN
  const auto qkv_gpu = on_device(qkv);
  const auto bias_gpu = on_device(bias);
  const auto q_norm_gpu = on_device(q_norm);
  const auto k_norm_gpu = on_device(k_norm);
  const auto table_gpu = on_device(table);
  const auto slots_gpu = on_device(slots);
  const auto positions_gpu = on_device(positions);
  const auto keys_gpu = on_device(poison);
  const auto values_gpu = on_device(poison);

  xc::cuda::RopeKvArgs a;
  a.q = qkv_gpu->as<float>();
  a.k = a.q + q_dim;
  a.v = a.q + q_dim + kv_dim;
  a.qkv_stride = stride;
  if (c.bias) {
    a.q_bias = bias_gpu->as<float>();
    a.k_bias = a.q_bias + q_dim;
    a.v_bias = a.q_bias + q_dim + kv_dim;
  }
  if (c.qk_norm) a.q_norm = q_norm_gpu->as<float>(), a.k_norm = k_norm_gpu->as<float>();
  a.eps = 1e-6f;
  a.cos_sin = table_gpu->as<float>();
  a.table_positions = c.positions;
  a.rope_dims = c.rope_dims;
  a.neox = c.neox;
  a.slots = slots_gpu->as<int32_t>();
  a.positions = positions_gpu->as<int32_t>();
  a.tokens = c.tokens;
  a.heads = c.heads;
  a.kv_heads = c.kv_heads;
  a.head_dim = hd;
  a.cache = {keys_gpu->as<uint16_t>(), values_gpu->as<uint16_t>(), static_cast<int64_t>(c.kv_heads) * c.positions * hd,
             static_cast<int64_t>(c.positions) * hd, c.sequences, c.positions};
  xc::cuda::cuda_kernels().rope_kv_write(a, nullptr);
  xc::cuda::synchronize();
  const std::vector<float> qkv_got = twin::download(*qkv_gpu, qkv.size());
  const std::vector<uint16_t> keys_got = twin::download<uint16_t>(*keys_gpu, cache_elements);
  const std::vector<uint16_t> values_got = twin::download<uint16_t>(*values_gpu, cache_elements);

  std::vector<uint16_t> keys = poison, values = poison;
  std::vector<float> q_got, q_expected, cache_got, cache_expected;
  std::vector<bool> written(cache_elements, false);
  TwinResult result;
  for (int t = 0; t < c.tokens; t++) {
    std::vector<float> row(qkv.begin() + static_cast<int64_t>(t) * stride, qkv.begin() + static_cast<int64_t>(t + 1) * stride);
    for (int i = 0; i < stride && c.bias; i++) row[static_cast<size_t>(i)] += bias[static_cast<size_t>(i)];
    float* q = row.data();
    float* k = q + q_dim;
    const float* v = k + kv_dim;
    if (c.qk_norm) {
      for (int h = 0; h < c.heads; h++) xc::cpu::rms_norm(q + h * hd, q_norm.data(), q + h * hd, hd, 1e-6f);
      for (int h = 0; h < c.kv_heads; h++) xc::cpu::rms_norm(k + h * hd, k_norm.data(), k + h * hd, hd, 1e-6f);
    }
    const float* got = qkv_got.data() + static_cast<int64_t>(t) * stride;
    if (c.invalid_last && t == c.tokens - 1) {
      const auto nan_count = std::count_if(got, got + q_dim, [](float x) { return std::isnan(x); });
      if (nan_count != q_dim) result.problem = "the out-of-range token's q is not all NaN";
      continue;
    }
    const float* angles = table.data() + static_cast<size_t>(positions[static_cast<size_t>(t)]) * c.rope_dims;
    xc::cpu::rope_rotate(q, c.heads, hd, angles, rope);
    xc::cpu::rope_rotate(k, c.kv_heads, hd, angles, rope);
    q_got.insert(q_got.end(), got, got + q_dim);
    q_expected.insert(q_expected.end(), q, q + q_dim);
    for (int h = 0; h < c.kv_heads; h++) {
      const size_t at = ((static_cast<size_t>(slots[static_cast<size_t>(t)]) * c.kv_heads + h) * c.positions +
                         static_cast<size_t>(positions[static_cast<size_t>(t)])) * hd;
      for (int i = 0; i < hd; i++) {
        keys[at + i] = xc::f32_to_fp16(k[h * hd + i]);
        values[at + i] = xc::f32_to_fp16(v[h * hd + i]);
        written[at + i] = true;
      }
    }
  }
  size_t touched = 0;
  for (size_t i = 0; i < cache_elements; i++) {
    if (!written[i]) {
      touched += (keys_got[i] != 0xFFFF ? 1 : 0) + (values_got[i] != 0xFFFF ? 1 : 0);
      continue;
    }
    cache_got.push_back(xc::fp16_to_f32(keys_got[i]));
    cache_got.push_back(xc::fp16_to_f32(values_got[i]));
    cache_expected.push_back(xc::fp16_to_f32(keys[i]));
    cache_expected.push_back(xc::fp16_to_f32(values[i]));
  }
  // the kernel writes only q: the k and v inputs stay as they were
  size_t inputs_changed = 0;
  for (int t = 0; t < c.tokens; t++) {
    const size_t at = static_cast<size_t>(t) * stride + q_dim;
    inputs_changed += std::memcmp(&qkv_got[at], &qkv[at], sizeof(float) * 2 * kv_dim) != 0 ? 1 : 0;
  }
  result.relative_l2 = std::max(relative_l2(q_got.data(), q_expected.data(), q_got.size()),
                                relative_l2(cache_got.data(), cache_expected.data(), cache_got.size()));
  if (result.problem.empty()) result.problem = twin::unwritten(q_got);
  if (result.problem.empty()) result.problem = twin::unwritten(cache_got);
  if (result.problem.empty() && touched > 0) result.problem = std::to_string(touched) + " cache elements outside the tokens' rows were written";
  if (result.problem.empty() && inputs_changed > 0) result.problem = "the k/v inputs of " + std::to_string(inputs_changed) + " tokens changed";
  return result;
}

#else

TwinResult rope_kv_twin(std::mt19937&, const RopeKvCase&) { return {0, "built without CUDA"}; }

#endif

}  // namespace xch
