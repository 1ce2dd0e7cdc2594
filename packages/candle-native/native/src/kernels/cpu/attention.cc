#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/cpu/cpu-ops.h"

namespace xc::cpu {

namespace {

constexpr int kMaxBlock = 64;
constexpr int kMaxHeads = 8;
constexpr int kMaxHeadDim = kMaxAttentionHeadDim;
constexpr int kKernelTokens = 16;

struct HeadState {
  float max = -std::numeric_limits<float>::infinity();
  float denominator = 0;
};

// Up to kMaxHeads heads against one kv head; stats (nullable) as attention_slice's.
void attend_group(const KernelTable& k, const KvHeadView& kv, const float* q, int heads, int first, int last,
                  float scale, float softcap_value, float* out, float* stats) {
  if (stats == nullptr) {
    if (k.attend_group != nullptr && k.attend_group(kv, q, heads, first, last, scale, softcap_value, out)) return;
  } else if (k.attend_tokens != nullptr &&
             k.attend_tokens(kv, q, 0, 1, heads, &first, &last, scale, softcap_value, out, 0, stats)) {
    return;
  }
  const int hd = kv.head_dim;
  const int64_t element = kv.f16 ? 2 : 4;
  float row[kMaxHeadDim];
  float scores[kMaxHeads][kMaxBlock];
  HeadState state[kMaxHeads];
  std::memset(out, 0, sizeof(float) * static_cast<size_t>(heads) * hd);
  for (int t = first; t <= last;) {
    const int page = t / kv.page_tokens;
    const int start = t % kv.page_tokens;
    const int count = std::min({kv.page_tokens - start, last - t + 1, kMaxBlock});
    const uint8_t* keys = kv.pages[page] + kv.key_offset + start * hd * element;
    const uint8_t* values = kv.pages[page] + kv.value_offset + start * hd * element;
    for (int j = 0; j < count; j++) {
      const uint8_t* key = keys + static_cast<int64_t>(j) * hd * element;
      const float* key_row = reinterpret_cast<const float*>(key);
      if (kv.f16) {  // widened once for the whole group
        k.f16_to_f32(reinterpret_cast<const uint16_t*>(key), row, hd);
        key_row = row;
      }
      for (int h = 0; h < heads; h++) {
        float s = k.dot_f32_f32(hd, key_row, q + h * hd) * scale;
        if (softcap_value > 0) s = softcap_value * std::tanh(s / softcap_value);
        scores[h][j] = s;
      }
    }
    for (int h = 0; h < heads; h++) {
      float block_max = scores[h][0];
      for (int j = 1; j < count; j++) block_max = std::max(block_max, scores[h][j]);
      HeadState& st = state[h];
      if (block_max > st.max) {
        const float correction = std::exp(st.max - block_max);
        if (st.denominator > 0) {
          float* o = out + h * hd;
          for (int i = 0; i < hd; i++) o[i] *= correction;
        }
        st.denominator *= correction;
        st.max = block_max;
      }
      for (int j = 0; j < count; j++) {
        scores[h][j] = std::exp(scores[h][j] - st.max);
        st.denominator += scores[h][j];
      }
    }
    for (int j = 0; j < count; j++) {
      const uint8_t* value = values + static_cast<int64_t>(j) * hd * element;
      const float* value_row = reinterpret_cast<const float*>(value);
      if (kv.f16) {
        k.f16_to_f32(reinterpret_cast<const uint16_t*>(value), row, hd);
        value_row = row;
      }
      for (int h = 0; h < heads; h++) k.axpy_f32(hd, scores[h][j], value_row, out + h * hd);
    }
    t += count;
  }
  for (int h = 0; stats != nullptr && h < heads; h++) stats[h] = state[h].max, stats[heads + h] = state[h].denominator;
  for (int h = 0; h < heads; h++) {
    if (state[h].denominator <= 0) continue;
    const float inverse = 1.0f / state[h].denominator;
    for (int i = 0; i < hd; i++) out[h * hd + i] *= inverse;
  }
}

}  // namespace

void attention_heads(const KernelTable& kernels, const KvHeadView& kv, const float* q, int heads, int first, int last,
                     float scale, float softcap_value, float* out) {
  for (int h = 0; h < heads; h += kMaxHeads) {
    const int group = std::min(kMaxHeads, heads - h);
    attend_group(kernels, kv, q + static_cast<int64_t>(h) * kv.head_dim, group, first, last, scale, softcap_value,
                 out + static_cast<int64_t>(h) * kv.head_dim, nullptr);
  }
}

void attention_slice(const KernelTable& kernels, const KvHeadView& kv, const float* q, int heads, int first, int last,
                     float scale, float softcap_value, float* out, float* stats) {
  float group_stats[2 * kMaxHeads];
  for (int h = 0; h < heads; h += kMaxHeads) {
    const int group = std::min(kMaxHeads, heads - h);
    attend_group(kernels, kv, q + static_cast<int64_t>(h) * kv.head_dim, group, first, last, scale, softcap_value,
                 out + static_cast<int64_t>(h) * kv.head_dim, group_stats);
    std::copy(group_stats, group_stats + group, stats + h);
    std::copy(group_stats + group, group_stats + 2 * group, stats + heads + h);
  }
}

void attention_combine(int heads, int head_dim, int slices, const float* parts, int64_t slice_stride, float* out) {
  const int64_t stats_at = static_cast<int64_t>(heads) * head_dim;
  for (int h = 0; h < heads; h++) {
    float max = -std::numeric_limits<float>::infinity();
    for (int s = 0; s < slices; s++) {
      if (parts[s * slice_stride + stats_at + heads + h] > 0) max = std::max(max, parts[s * slice_stride + stats_at + h]);
    }
    float* o = out + static_cast<int64_t>(h) * head_dim;
    std::fill(o, o + head_dim, 0.0f);
    float total = 0;
    for (int s = 0; s < slices; s++) {
      const float denominator = parts[s * slice_stride + stats_at + heads + h];
      if (denominator <= 0) continue;
      // each slice's output is already divided by its own denominator
      const float weight = denominator * std::exp(parts[s * slice_stride + stats_at + h] - max);
      const float* part = parts + s * slice_stride + static_cast<int64_t>(h) * head_dim;
      for (int i = 0; i < head_dim; i++) o[i] += weight * part[i];
      total += weight;
    }
    if (total <= 0) continue;
    const float inverse = 1.0f / total;
    for (int i = 0; i < head_dim; i++) o[i] *= inverse;
  }
}

void attention_tokens(const KernelTable& kernels, const KvHeadView& kv, const float* q, int64_t q_stride, int tokens,
                      int heads, const int* first, const int* last, float scale, float softcap_value, float* out,
                      int64_t out_stride) {
  if (kernels.attend_tokens != nullptr) {
    if (kernels.attend_tokens(kv, q, q_stride, tokens, heads, first, last, scale, softcap_value, out, out_stride, nullptr)) {
      return;
    }
    // kernels that take at most kKernelTokens tokens (the AVX2 one) get the run that many at a time
    bool handled = tokens > kKernelTokens;
    for (int i = 0; handled && i < tokens; i += kKernelTokens) {
      handled = kernels.attend_tokens(kv, q + i * q_stride, q_stride, std::min(kKernelTokens, tokens - i), heads, first + i,
                                      last + i, scale, softcap_value, out + i * out_stride, out_stride, nullptr);
    }
    if (handled) return;
  }
  for (int i = 0; i < tokens; i++) {
    attention_heads(kernels, kv, q + i * q_stride, heads, first[i], last[i], scale, softcap_value, out + i * out_stride);
  }
}

void attention_decode_rows(const KernelTable& kernels, const DecodeRow* rows, int count, int heads, float scale,
                           float softcap_value) {
  if (kernels.attend_decode_rows != nullptr && kernels.attend_decode_rows(rows, count, heads, scale, softcap_value)) return;
  for (int r = 0; r < count; r++) {
    attention_tokens(kernels, rows[r].kv, rows[r].q, 0, 1, heads, &rows[r].first, &rows[r].last, scale, softcap_value,
                     rows[r].out, 0);
  }
}

}  // namespace xc::cpu
