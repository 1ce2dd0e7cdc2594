#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/cpu/kernel-table.h"

// Element-wise and per-vector ops of the forward pass (each defined in its own file).
namespace xc::cpu {

// y = x / sqrt(mean(x²) + eps) * weight; y may alias x.
void rms_norm(const float* x, const float* weight, float* y, int64_t n, float eps);
// rms_norm's factor from its row's sum of squares: one definition, so the SIMD kernels round alike.
inline float rms_scale(double sum_of_squares, int64_t n, float eps) {
  return static_cast<float>(1.0 / std::sqrt(sum_of_squares / static_cast<double>(n) + eps));
}
// Rows of n floats, one after another: x += delta (nullptr: nothing added), then y = rms_norm(x) · weight
// (weight nullptr: only the add). KernelTable::add_rms_norm_rows' portable version.
void add_rms_norm_rows(float* x, const float* delta, const float* weight, float* y, int64_t n, int64_t rows, float eps);

enum class RopeStyle { Normal, Neox };
struct RopeParams {
  RopeStyle style = RopeStyle::Normal;
  int dims = 0;  // rotated leading dimensions of each head
  float base = 10000.0f;
  float scale = 1.0f;                    // frequency scale (1 / linear or YaRN factor)
  const float* freq_factors = nullptr;  // dims / 2 divisors, or none
  float ext_factor = 0;                  // YaRN: share of the unscaled angle kept below the correction range
  float correction_low = 0;              // YaRN: pair indices over which that share ramps down to 0
  float correction_high = 0;
  float magnitude = 1.0f;  // multiplies cos and sin
};
// The cosine and sine of each rotated pair at position pos (dims / 2 pairs, interleaved): the part of the
// rotation that depends on the position only, computed once per token for every layer.
void rope_angles(int pos, const RopeParams& params, float* cos_sin);
// Rotates `heads` vectors of `head_dim` in x by rope_angles' table.
void rope_rotate(float* x, int heads, int head_dim, const float* cos_sin, const RopeParams& params);

void softmax(float* x, int64_t n);
void silu_mul(float* gate, const float* up, int64_t n);       // gate = silu(gate) * up
void gelu_tanh_mul(float* gate, const float* up, int64_t n);  // gate = gelu(gate) * up
void softcap(float* x, int64_t n, float cap);                 // x = cap · tanh(x / cap)

// One query head against one kv head of a paged KV cache: pages[p] holds page_tokens rows;
// this head's keys start key_offset bytes into each page, values value_offset bytes.
struct KvHeadView {
  const uint8_t* const* pages = nullptr;
  int page_tokens = 0;
  int64_t key_offset = 0;
  int64_t value_offset = 0;
  int head_dim = 0;
  bool f16 = true;
};
// For each of `heads` query heads (q and out: heads × head_dim, contiguous) sharing this kv head:
// out = softmax(scale · q·K[first..last]) · V[first..last], computed block by block with an
// online softmax, so no score row of the whole sequence is ever materialised, and each K/V row is
// read (and widened from f16) once for the whole group.
constexpr int kMaxAttentionHeadDim = 512;
void attention_heads(const KernelTable& kernels, const KvHeadView& kv, const float* q, int heads, int first, int last,
                     float scale, float softcap_value, float* out);
// The same for `tokens` query tokens at once (query i: q + i·q_stride → out + i·out_stride, keys
// [first[i], last[i]]), so a prompt's consecutive tokens share each K/V block while it is in cache.
void attention_tokens(const KernelTable& kernels, const KvHeadView& kv, const float* q, int64_t q_stride, int tokens,
                      int heads, const int* first, const int* last, float scale, float softcap_value, float* out,
                      int64_t out_stride);
// One decode token's query heads at one kv head, for attention_decode_rows: q and out (heads × head_dim)
// over keys [first, last] of kv.
struct DecodeRow {
  KvHeadView kv;
  const float* q = nullptr;
  float* out = nullptr;
  int first = 0, last = -1;
};
// attention_tokens of one token for each of `count` rows (a decode batch's sequences at one kv head),
// each row's output bit for bit what it gets alone; where the kernels can, rows whose pages are the same
// physical pages (sequences forked from one cached prefix) widen each shared f16 K/V block once.
void attention_decode_rows(const KernelTable& kernels, const DecodeRow* rows, int count, int heads, float scale,
                           float softcap_value);
// One slice of a split key range (flash-decoding: the slices of one query's keys run on different
// threads): out as attention_heads over keys [first, last], plus stats = each head's score max, then
// each head's softmax denominator (2·heads floats), so attention_combine can merge the slices exactly.
void attention_slice(const KernelTable& kernels, const KvHeadView& kv, const float* q, int heads, int first, int last,
                     float scale, float softcap_value, float* out, float* stats);
// out (heads × head_dim) = the softmax over all the slices' keys, from `slices` outputs of
// attention_slice: slice s's output at parts + s·slice_stride, its stats right after the output.
void attention_combine(int heads, int head_dim, int slices, const float* parts, int64_t slice_stride, float* out);

}  // namespace xc::cpu
