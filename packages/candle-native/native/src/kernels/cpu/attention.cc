#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {

namespace {
constexpr int kMaxBlock = 64;
}

void attention_head(const KernelTable& k, const KvHeadView& kv, const float* q, int first, int last, float scale,
                    float softcap_value, float* out) {
  const int hd = kv.head_dim;
  const int64_t element = kv.f16 ? 2 : 4;
  std::memset(out, 0, sizeof(float) * static_cast<size_t>(hd));
  float running_max = -std::numeric_limits<float>::infinity();
  float denominator = 0;
  float scores[kMaxBlock];
  for (int t = first; t <= last;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    int count = kv.page_tokens - start;
    if (count > last - t + 1) count = last - t + 1;
    if (count > kMaxBlock) count = kMaxBlock;
    const uint8_t* keys = kv.pages[page] + kv.key_offset + start * hd * element;
    const uint8_t* values = kv.pages[page] + kv.value_offset + start * hd * element;
    float block_max = -std::numeric_limits<float>::infinity();
    for (int j = 0; j < count; j++) {
      const uint8_t* row = keys + static_cast<int64_t>(j) * hd * element;
      float s = kv.f16 ? k.dot_f16_f32(hd, reinterpret_cast<const uint16_t*>(row), q)
                       : k.dot_f32_f32(hd, reinterpret_cast<const float*>(row), q);
      s *= scale;
      if (softcap_value > 0) s = softcap_value * std::tanh(s / softcap_value);
      scores[j] = s;
      block_max = std::fmax(block_max, s);
    }
    if (block_max > running_max) {
      const float correction = std::exp(running_max - block_max);
      if (denominator > 0) {
        for (int i = 0; i < hd; i++) out[i] *= correction;
      }
      denominator *= correction;
      running_max = block_max;
    }
    for (int j = 0; j < count; j++) {
      const float p = std::exp(scores[j] - running_max);
      denominator += p;
      const uint8_t* row = values + static_cast<int64_t>(j) * hd * element;
      if (kv.f16) {
        k.axpy_f16(hd, p, reinterpret_cast<const uint16_t*>(row), out);
      } else {
        k.axpy_f32(hd, p, reinterpret_cast<const float*>(row), out);
      }
    }
    t += count;
  }
  if (denominator > 0) {
    const float inverse = 1.0f / denominator;
    for (int i = 0; i < hd; i++) out[i] *= inverse;
  }
}

}  // namespace xc::cpu
