// Dot products and 4 rows × 4 (and × 2) tokens tiles for the interleaved layouts of the 32-element block
// kinds (interleave.h), built for AVX-512VL + VNNI and run only when cpuid reports it. In the interleaved
// order one vpdpbusd lane sums one 32-element block across a 256-element group, so the scales are applied
// once per lane as floats instead of widening every product to 16 bits first. The K-quants' kernels are in
// interleaved-kquant-avx512.cc.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include <immintrin.h>

#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/block-types.h"

namespace xc::avx512 {

namespace {

constexpr int64_t kGroup = 256;

using avx2::hsum;
using avx2::load_q4_nibbles;

inline __m256i load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

inline float half(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return _cvtsh_ss(h);
}

// start + Σ_v q[v]·y[v] per lane, in two chains of four so the multiply-adds overlap.
inline __m256i sum_products(__m256i start, const __m256i q[8], const int8_t* y) {
  __m256i even = start, odd = _mm256_setzero_si256();
  for (int v = 0; v < 8; v += 2) {
    even = _mm256_dpbusd_epi32(even, q[v], load(y + 32 * v));
    odd = _mm256_dpbusd_epi32(odd, q[v + 1], load(y + 32 * v + 32));
  }
  return _mm256_add_epi32(even, odd);
}

// The eight x8 vectors of 4-bit values stored two per byte (vector c low, c + 4 high).
inline void unpack_nibbles(const uint8_t* qs, __m256i q[8]) {
  const __m256i mask = _mm256_set1_epi8(0xF);
  for (int c = 0; c < 4; c++) {
    const __m256i bits = load(qs + 32 * c);
    q[c] = _mm256_and_si256(bits, mask);
    q[c + 4] = _mm256_and_si256(_mm256_srli_epi16(bits, 4), mask);
  }
}

// Weight decoding of the 32-element block kinds: the eight x8 vectors of a group and the 32 quants of
// a ggml block (for the blocks after the last whole group), both unsigned, offset by 2^kShift.
struct Q8_0Kind {
  using Group = BlockQ8_0x8;
  static constexpr int kShift = 7;
  static void unpack(const uint8_t* group, __m256i q[8]) {
    for (int v = 0; v < 8; v++) q[v] = load(group + offsetof(Group, qs) + 32 * v);
  }
  using Block = BlockQ8_0;
  static __m256i unpack(const Block& b) { return _mm256_xor_si256(load(b.qs), _mm256_set1_epi8(static_cast<char>(0x80))); }
};
struct Q4_0Kind {
  using Group = BlockQ4_0x8;
  static constexpr int kShift = 3;
  static void unpack(const uint8_t* group, __m256i q[8]) { unpack_nibbles(group + offsetof(Group, qs), q); }
  using Block = BlockQ4_0;
  static __m256i unpack(const Block& b) { return load_q4_nibbles(b.qs); }
};
struct Q5_0Kind {
  using Group = BlockQ5_0x8;
  static constexpr int kShift = 4;
  static void unpack(const uint8_t* group, __m256i q[8]) {
    unpack_nibbles(group + offsetof(Group, qs), q);
    const __m256i fifth = _mm256_set1_epi8(0x10);
    for (int v = 0; v < 8; v++) {
      uint32_t bits;
      std::memcpy(&bits, group + offsetof(Group, qh) + 4 * v, 4);
      q[v] = _mm256_or_si256(q[v], _mm256_maskz_mov_epi8(bits, fifth));
    }
  }
  using Block = BlockQ5_0;
  static __m256i unpack(const Block& b) {
    uint32_t bits;
    std::memcpy(&bits, b.qh, 4);
    return _mm256_or_si256(load_q4_nibbles(b.qs), _mm256_maskz_mov_epi8(bits, _mm256_set1_epi8(0x10)));
  }
};

// out[t·os + r] for R weight rows × T activation rows of 32-element block kinds.
template <typename Kind, int R, int T>
void block32_x8(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  using Group = typename Kind::Group;
  const int64_t groups = n / kGroup;
  __m256 acc[R][T];
  for (auto& row : acc) for (auto& a : row) a = _mm256_setzero_ps();
  for (int64_t g = 0; g < groups; g++) {
    const ActQ8_0x8* y[T];
    __m256i bias[T];  // −offset · Σy of each block: the weights' offset, paid once per token
    for (int t = 0; t < T; t++) {
      y[t] = reinterpret_cast<const ActQ8_0x8*>(x + t * xs) + g;
      bias[t] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(load(y[t]->sum), Kind::kShift));
    }
    for (int r = 0; r < R; r++) {
      const uint8_t* group = w + r * ws + g * static_cast<int64_t>(sizeof(Group));
      __m256i q[8];
      Kind::unpack(group, q);
      const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group)));
      for (int t = 0; t < T; t++) {
        const __m256i p = sum_products(bias[t], q, y[t]->qs);
        acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(dw, _mm256_loadu_ps(y[t]->d)), acc[r][t]);
      }
    }
  }
  // The ggml blocks after the last whole group, one at a time.
  using Block = typename Kind::Block;
  const uint8_t* w_tail = w + groups * static_cast<int64_t>(sizeof(Group));
  const uint8_t* x_tail = x + groups * static_cast<int64_t>(sizeof(ActQ8_0x8));
  const __m256i offset = _mm256_set1_epi8(static_cast<char>(1 << Kind::kShift));
  for (int64_t b = 0; b < (n - groups * kGroup) / kQK8_0; b++) {
    const ActQ8_0* y[T];
    __m256i yq[T], bias[T];
    for (int t = 0; t < T; t++) {
      y[t] = reinterpret_cast<const ActQ8_0*>(x_tail + t * xs) + b;
      yq[t] = load(y[t]->qs);
      bias[t] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_dpbusd_epi32(_mm256_setzero_si256(), offset, yq[t]));
    }
    for (int r = 0; r < R; r++) {
      Block block;
      std::memcpy(&block, w_tail + r * ws + b * static_cast<int64_t>(sizeof(Block)), sizeof(Block));
      const __m256i q = Kind::unpack(block);
      const float dw = _cvtsh_ss(block.d);
      for (int t = 0; t < T; t++) {
        const __m256i p = _mm256_dpbusd_epi32(bias[t], q, yq[t]);
        acc[r][t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(dw * y[t]->d), acc[r][t]);
      }
    }
  }
  for (int r = 0; r < R; r++) {
    for (int t = 0; t < T; t++) out[t * os + r] = hsum(acc[r][t]);
  }
}

using Kernel = void (*)(int64_t, const uint8_t*, int64_t, const uint8_t*, int64_t, float*, int64_t);

template <Kernel Kernel>
float dot_of(int64_t n, const void* w, const void* x) {
  float out;
  Kernel(n, static_cast<const uint8_t*>(w), 0, static_cast<const uint8_t*>(x), 0, &out, 1);
  return out;
}

}  // namespace

}  // namespace xc::avx512

namespace xc {
bool add_avx512_interleaved(KernelTable& t) {
  using namespace avx512;
  t.traits(GgmlType::Q8_0).interleaved.dot = dot_of<block32_x8<Q8_0Kind, 1, 1>>;
  t.traits(GgmlType::Q4_0).interleaved.dot = dot_of<block32_x8<Q4_0Kind, 1, 1>>;
  t.traits(GgmlType::Q5_0).interleaved.dot = dot_of<block32_x8<Q5_0Kind, 1, 1>>;
  t.traits(GgmlType::Q8_0).interleaved.tile_4x4 = block32_x8<Q8_0Kind, 4, 4>;
  t.traits(GgmlType::Q4_0).interleaved.tile_4x4 = block32_x8<Q4_0Kind, 4, 4>;
  t.traits(GgmlType::Q5_0).interleaved.tile_4x4 = block32_x8<Q5_0Kind, 4, 4>;
  // Decode batches of 2, 3, 6 or 7 sequences: the tokens left after the 4×4 tiles share each weight read too.
  t.traits(GgmlType::Q8_0).interleaved.tile_4x2 = block32_x8<Q8_0Kind, 4, 2>;
  t.traits(GgmlType::Q4_0).interleaved.tile_4x2 = block32_x8<Q4_0Kind, 4, 2>;
  t.traits(GgmlType::Q5_0).interleaved.tile_4x2 = block32_x8<Q5_0Kind, 4, 2>;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_interleaved(KernelTable&) { return false; }
}  // namespace xc

#endif
