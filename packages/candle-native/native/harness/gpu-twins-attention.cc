// Decode attention (split keys + combine) against cpu::attention_heads on the same f16 cache. Cache rows
// outside each token's [first, last] hold f16 NaN, so a read past the range shows in the output.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "check.h"
#include "common/fp16.h"
#include "gpu-twins.h"
#include "kernels/cpu/cpu-ops.h"
#include "kernels/cpu/kernel-table.h"
#if XC_HAS_CUDA
#include "gpu-twin-helpers.h"
#include "kernels/cuda/cuda-kernel-table.h"
#endif

namespace xch {

#if XC_HAS_CUDA

TwinResult decode_attention_twin(std::mt19937& rng, const AttentionCase& c) {
  using twin::on_device;
  const int hd = c.head_dim;
  const int group = c.heads / c.kv_heads;
  const int q_dim = c.heads * hd;
  const int64_t out_stride = q_dim + 3;  // the gaps must keep their poison
  const int64_t head_elements = static_cast<int64_t>(c.positions) * hd;
  const int64_t seq_elements = c.kv_heads * head_elements;
  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));

  std::vector<int32_t> slots(static_cast<size_t>(c.tokens)), last(static_cast<size_t>(c.tokens));
  std::uniform_int_distribution<int> position(0, c.positions - 1);
  for (int t = 0; t < c.tokens; t++) slots[static_cast<size_t>(t)] = t, last[static_cast<size_t>(t)] = position(rng);
  last.front() = c.positions - 1;
  if (c.tokens > 1) last[1] = 0;
  auto first_of = [&](int t) {
    const int l = last[static_cast<size_t>(t)];
    return c.window > 0 ? std::max(0, l - c.window + 1) : 0;
  };

  // per slot: K (kv_heads × positions × head_dim) then V, f16; NaN outside [first, last]
  std::vector<uint16_t> pages(static_cast<size_t>(c.tokens) * 2 * seq_elements);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  for (int t = 0; t < c.tokens; t++) {
    for (int64_t i = 0; i < 2 * seq_elements; i++) {
      const int p = static_cast<int>(i % head_elements / hd);
      const bool inside = p >= first_of(t) && p <= last[static_cast<size_t>(t)];
      pages[static_cast<size_t>(t * 2 * seq_elements + i)] = inside ? xc::f32_to_fp16(dist(rng)) : 0x7E00;
    }
  }
  std::vector<uint16_t> keys, values;
  for (int t = 0; t < c.tokens; t++) {
    const auto page = pages.begin() + t * 2 * seq_elements;
    keys.insert(keys.end(), page, page + seq_elements);
    values.insert(values.end(), page + seq_elements, page + 2 * seq_elements);
  }
  const std::vector<float> q = twin::random_floats(rng, static_cast<size_t>(c.tokens) * q_dim, -1.0f, 1.0f);

  const auto q_gpu = on_device(q);
  const auto keys_gpu = on_device(keys);
  const auto values_gpu = on_device(values);
  const auto slots_gpu = on_device(slots);
  const auto last_gpu = on_device(last);
  xc::cuda::DeviceBuffer workspace(
      xc::cuda::decode_attention_workspace(c.tokens, c.heads, c.kv_heads, hd, c.splits) * sizeof(float));
  workspace.fill(0xFF);
  xc::cuda::DeviceBuffer out(static_cast<size_t>(c.tokens) * out_stride * sizeof(float));
  out.fill(0xFF);
  xc::cuda::DecodeAttentionArgs a;
  a.q = q_gpu->as<float>();
  a.q_stride = q_dim;
  a.cache = {keys_gpu->as<uint16_t>(), values_gpu->as<uint16_t>(), seq_elements, head_elements, c.tokens, c.positions};
  a.slots = slots_gpu->as<int32_t>();
  a.positions = last_gpu->as<int32_t>();
  a.tokens = c.tokens;
  a.heads = c.heads;
  a.kv_heads = c.kv_heads;
  a.head_dim = hd;
  a.scale = scale;
  a.softcap = c.softcap;
  a.window = c.window;
  a.splits = c.splits;
  a.workspace = workspace.as<float>();
  a.out = out.as<float>();
  a.out_stride = out_stride;
  xc::cuda::cuda_kernels().decode_attention(a, nullptr);
  xc::cuda::synchronize();
  const std::vector<float> all = twin::download(out, static_cast<size_t>(c.tokens) * out_stride);

  std::vector<float> got, expected(static_cast<size_t>(c.tokens) * q_dim);
  size_t gaps_touched = 0;
  for (int t = 0; t < c.tokens; t++) {
    const uint8_t* page = reinterpret_cast<const uint8_t*>(pages.data() + t * 2 * seq_elements);
    for (int h = 0; h < c.kv_heads; h++) {
      xc::cpu::KvHeadView view;
      view.pages = &page;
      view.page_tokens = c.positions;
      view.key_offset = h * head_elements * 2;
      view.value_offset = (seq_elements + h * head_elements) * 2;
      view.head_dim = hd;
      view.f16 = true;
      const size_t at = static_cast<size_t>(t) * q_dim + static_cast<size_t>(h) * group * hd;
      xc::cpu::attention_heads(xc::scalar_kernels(), view, q.data() + at, group, first_of(t), last[static_cast<size_t>(t)],
                               scale, c.softcap, expected.data() + at);
    }
    const float* row = all.data() + t * out_stride;
    got.insert(got.end(), row, row + q_dim);
    for (int64_t i = q_dim; i < out_stride; i++) {
      uint32_t bits;
      std::memcpy(&bits, &row[i], 4);
      gaps_touched += bits != 0xFFFFFFFFu ? 1 : 0;
    }
  }
  TwinResult result{relative_l2(got.data(), expected.data(), got.size()), twin::unwritten(got)};
  if (result.problem.empty() && gaps_touched > 0) result.problem = std::to_string(gaps_touched) + " elements between output rows were written";
  return result;
}

#else

TwinResult decode_attention_twin(std::mt19937&, const AttentionCase&) { return {0, "built without CUDA"}; }

#endif

}  // namespace xch
