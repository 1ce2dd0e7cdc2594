// Dot products and 4 rows × 4 (and × 2) tokens tiles for the interleaved layouts of the 32-element block
// kinds (interleave.h), built for AVX-512VL + VNNI and run only when cpuid reports it. In the interleaved
// order one vpdpbusd lane sums one 32-element block across a 256-element group, so the scales are applied
// once per lane as floats instead of widening every product to 16 bits first. The K-quants' kernels are in
// interleaved-kquant-avx512.cc.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include <immintrin.h>

#include "kernels/cpu/avx512-gcc-warnings.h"

#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/avx512-sums.h"
#include "kernels/cpu/block-types.h"

namespace xc::avx512 {

namespace {

constexpr int64_t kGroup = 256;

using avx2::hsum;
using avx2::load_q4_nibbles;

inline __m256i load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

inline float half(uint16_t h) { return _cvtsh_ss(h); }

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

// Weight decoding of the 32-element block kinds, both unsigned, offset by 2^kShift: pair j (0..3) of a
// group's eight x8 vectors (vectors 2j and 2j + 1 in one 512-bit register, so lanes k and 8 + k both
// belong to block k), and the 32 quants of a ggml block (for the blocks after the last whole group).
struct Q8_0Kind {
  using Group = BlockQ8_0x8;
  static constexpr int kShift = 7;
  static __m512i pair(const uint8_t* group, int j) { return _mm512_loadu_si512(group + offsetof(Group, qs) + 64 * j); }
  static void unpack(const uint8_t* group, __m256i q[8]) {
    for (int v = 0; v < 8; v++) q[v] = load(group + offsetof(Group, qs) + 32 * v);
  }
  using Block = BlockQ8_0;
  static __m256i unpack(const Block& b) { return _mm256_xor_si256(load(b.qs), _mm256_set1_epi8(static_cast<char>(0x80))); }
};
struct Q4_0Kind {
  using Group = BlockQ4_0x8;
  static constexpr int kShift = 3;
  // Bytes 32c + b hold vector c (low nibble) and c + 4 (high): pairs 0, 1 low, pairs 2, 3 high.
  static __m512i pair(const uint8_t* group, int j) {
    const __m512i bits = _mm512_loadu_si512(group + offsetof(Group, qs) + 64 * (j & 1));
    return _mm512_and_si512(j < 2 ? bits : _mm512_srli_epi16(bits, 4), _mm512_set1_epi8(0xF));
  }
  static void unpack(const uint8_t* group, __m256i q[8]) { unpack_nibbles(group + offsetof(Group, qs), q); }
  using Block = BlockQ4_0;
  static __m256i unpack(const Block& b) { return load_q4_nibbles(b.qs); }
};
struct Q5_0Kind {
  using Group = BlockQ5_0x8;
  static constexpr int kShift = 4;
  static __m512i pair(const uint8_t* group, int j) {
    uint64_t bits;
    std::memcpy(&bits, group + offsetof(Group, qh) + 8 * j, 8);
    return _mm512_or_si512(Q4_0Kind::pair(group, j), _mm512_maskz_mov_epi8(_cvtu64_mask64(bits), _mm512_set1_epi8(0x10)));
  }
  static void unpack(const uint8_t* group, __m256i q[8]) {
    unpack_nibbles(group + offsetof(Group, qs), q);
    for (int v = 0; v < 8; v++) {
      uint32_t bits;
      std::memcpy(&bits, group + offsetof(Group, qh) + 4 * v, 4);
      q[v] = _mm256_or_si256(q[v], _mm256_maskz_mov_epi8(bits, _mm256_set1_epi8(0x10)));
    }
  }
  using Block = BlockQ5_0;
  static __m256i unpack(const Block& b) {
    uint32_t bits;
    std::memcpy(&bits, b.qh, 4);
    return _mm256_or_si256(load_q4_nibbles(b.qs), _mm256_maskz_mov_epi8(bits, _mm256_set1_epi8(0x10)));
  }
};
static_assert(offsetof(BlockQ4_0x8, qs) == offsetof(BlockQ5_0x8, qs), "Q5_0 shares Q4_0's low bits");

// Two 256-bit halves in one register (built on zero: GCC 12 warns on the cast intrinsics).
inline __m512i join(__m256i low, __m256i high) {
  return _mm512_inserti64x4(_mm512_inserti64x4(_mm512_setzero_si512(), low, 0), high, 1);
}
inline __m512 join(__m256 low, __m256 high) {
  const __m512d zero = _mm512_setzero_pd();
  return _mm512_castpd_ps(
      _mm512_insertf64x4(_mm512_insertf64x4(zero, _mm256_castps_pd(low), 0), _mm256_castps_pd(high), 1));
}
// out[t·os + r] for R weight rows × T activation rows of 32-element block kinds. Per group, every
// 512-bit weight pair and activation pair is loaded once and feeds R×T independent vpdpbusd; the
// integer sums become floats once per group (both halves of a lane pair carry the same scale, so
// they are added only at the end).
// With Pairs (an even number of tokens, prefill's shape), tokens 2u and 2u + 1 share one float
// accumulator (lanes 0..7 and 8..15). Their integer sums are folded first (both halves of a lane pair
// belong to one block), so each pair of tokens pays one conversion and scaling per row and group
// instead of two, and the R×T/2 accumulators leave the integer sums their registers.
template <typename Kind, int R, int T, bool Pairs>
void block32_x8(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  static_assert(!Pairs || (T % 2 == 0 && R % 4 == 0), "token pairs, rows in fours");
  constexpr int A = Pairs ? T / 2 : T;  // float accumulators per row
  using Group = typename Kind::Group;
  const int64_t groups = n / kGroup;
  __m512 acc[R][A];
  for (auto& row : acc) for (auto& a : row) a = _mm512_setzero_ps();
  for (int64_t g = 0; g < groups; g++) {
    const uint8_t* group[R];
    for (int r = 0; r < R; r++) group[r] = w + r * ws + g * static_cast<int64_t>(sizeof(Group));
    const ActQ8_0x8* y[T];
    __m512i p[R][T];
    for (int t = 0; t < T; t++) {
      y[t] = reinterpret_cast<const ActQ8_0x8*>(x + t * xs) + g;
      // −offset · Σy of each block, in the low half only: the weights' offset, paid once per token
      const __m256i bias = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(load(y[t]->sum), Kind::kShift));
      for (int r = 0; r < R; r++) p[r][t] = join(bias, _mm256_setzero_si256());
    }
    for (int j = 0; j < 4; j++) {
      __m512i yq[T];
      for (int t = 0; t < T; t++) yq[t] = _mm512_loadu_si512(y[t]->qs + 64 * j);
      for (int r = 0; r < R; r++) {
        const __m512i q = Kind::pair(group[r], j);
        for (int t = 0; t < T; t++) p[r][t] = _mm512_dpbusd_epi32(p[r][t], q, yq[t]);
      }
    }
    __m512 dy[A];  // with Pairs, lanes 0..7: token 2u's eight block scales, 8..15: token 2u + 1's
    for (int a = 0; a < A; a++) {
      if constexpr (Pairs) dy[a] = join(_mm256_loadu_ps(y[2 * a]->d), _mm256_loadu_ps(y[2 * a + 1]->d));
      else dy[a] = _mm512_castpd_ps(_mm512_broadcast_f64x4(_mm256_castps_pd(_mm256_loadu_ps(y[a]->d))));
    }
    for (int r = 0; r < R; r++) {
      const __m512 dw = _mm512_cvtph_ps(_mm256_broadcastsi128_si256(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group[r]))));
      for (int a = 0; a < A; a++) {
        __m512i sum = p[r][a];
        if constexpr (Pairs) {
          sum = _mm512_add_epi32(_mm512_shuffle_i64x2(p[r][2 * a], p[r][2 * a + 1], 0x44),
                                 _mm512_shuffle_i64x2(p[r][2 * a], p[r][2 * a + 1], 0xEE));
        }
        acc[r][a] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_mul_ps(dw, dy[a]), acc[r][a]);
      }
    }
  }
  // The ggml blocks after the last whole group: single tokens two blocks at a time (one per 256-bit
  // half), pairs one block at a time (token 2u's in the low half, 2u + 1's in the high).
  using Block = typename Kind::Block;
  const uint8_t* w_tail = w + groups * static_cast<int64_t>(sizeof(Group));
  const uint8_t* x_tail = x + groups * static_cast<int64_t>(sizeof(ActQ8_0x8));
  const int64_t blocks = (n - groups * kGroup) / kQK8_0;
  const __m512i offset = _mm512_set1_epi8(static_cast<char>(1 << Kind::kShift));
  if constexpr (Pairs) {
    for (int64_t b = 0; b < blocks; b++) {
      __m512i yq[A], bias[A];
      __m512 dy[A];
      for (int u = 0; u < A; u++) {
        const ActQ8_0* ya = reinterpret_cast<const ActQ8_0*>(x_tail + 2 * u * xs) + b;
        const ActQ8_0* yb = reinterpret_cast<const ActQ8_0*>(x_tail + (2 * u + 1) * xs) + b;
        yq[u] = join(load(ya->qs), load(yb->qs));
        bias[u] = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), offset, yq[u]));
        dy[u] = join(_mm256_set1_ps(ya->d), _mm256_set1_ps(yb->d));
      }
      for (int r = 0; r < R; r++) {
        const auto* block = reinterpret_cast<const Block*>(w_tail + r * ws) + b;  // packed: alignment 1
        const __m256i q256 = Kind::unpack(block[0]);
        const __m512i q = join(q256, q256);
        const __m512 dw = _mm512_set1_ps(half(block[0].d));
        for (int u = 0; u < A; u++) {
          const __m512i p = _mm512_dpbusd_epi32(bias[u], q, yq[u]);
          acc[r][u] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_mul_ps(dw, dy[u]), acc[r][u]);
        }
      }
    }
  } else {
    for (int64_t b = 0; b < blocks; b += 2) {
      const bool two = b + 1 < blocks;
      __m512i yq[T], bias[T];
      __m512 dy[T];
      for (int t = 0; t < T; t++) {
        const ActQ8_0* y = reinterpret_cast<const ActQ8_0*>(x_tail + t * xs) + b;
        yq[t] = join(load(y[0].qs), two ? load(y[1].qs) : _mm256_setzero_si256());
        bias[t] = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), offset, yq[t]));
        dy[t] = join(_mm256_set1_ps(y[0].d), _mm256_set1_ps(two ? y[1].d : 0.0f));
      }
      for (int r = 0; r < R; r++) {
        const auto* block = reinterpret_cast<const Block*>(w_tail + r * ws) + b;  // packed: alignment 1
        const __m512i q = join(Kind::unpack(block[0]), two ? Kind::unpack(block[1]) : _mm256_setzero_si256());
        const __m512 dw = join(_mm256_set1_ps(half(block[0].d)), _mm256_set1_ps(two ? half(block[1].d) : 0.0f));
        for (int t = 0; t < T; t++) {
          const __m512i p = _mm512_dpbusd_epi32(bias[t], q, yq[t]);
          acc[r][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p), _mm512_mul_ps(dw, dy[t]), acc[r][t]);
        }
      }
    }
  }
  if constexpr (Pairs) {
    for (int u = 0; u < A; u++) {
      for (int r = 0; r < R; r += 4) {
        sum4_pairs(acc[r][u], acc[r + 1][u], acc[r + 2][u], acc[r + 3][u], out + 2 * u * os + r, out + (2 * u + 1) * os + r);
      }
    }
  } else {
    store_sums<R, T>(acc, out, os);
  }
}

// One row · one activation row in 256-bit vectors, for single-sequence decode: the weights stream
// from memory there, and this walk keeps more of them in flight than the 512-bit tiles (measured:
// about 20% faster per token with xcandle-harness matmul-bench).
template <typename Kind>
float block32_x8_dot(int64_t n, const void* wv, const void* xv) {
  using Group = typename Kind::Group;
  const auto* w = static_cast<const uint8_t*>(wv);
  const auto* x = static_cast<const uint8_t*>(xv);
  const int64_t groups = n / kGroup;
  __m256 acc = _mm256_setzero_ps();
  for (int64_t g = 0; g < groups; g++) {
    const auto* y = reinterpret_cast<const ActQ8_0x8*>(x) + g;
    const uint8_t* group = w + g * static_cast<int64_t>(sizeof(Group));
    const __m256i bias = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(load(y->sum), Kind::kShift));
    __m256i q[8];
    Kind::unpack(group, q);
    const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group)));
    const __m256i p = sum_products(bias, q, y->qs);
    acc = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_mul_ps(dw, _mm256_loadu_ps(y->d)), acc);
  }
  float sum = hsum(acc);
  // The ggml blocks after the last whole group go through the 512-bit tail.
  const int64_t rest = n - groups * kGroup;
  if (rest > 0) {
    float tail;
    block32_x8<Kind, 1, 1, false>(rest, w + groups * static_cast<int64_t>(sizeof(Group)), 0,
                           x + groups * static_cast<int64_t>(sizeof(ActQ8_0x8)), 0, &tail, 1);
    sum += tail;
  }
  return sum;
}

}  // namespace

}  // namespace xc::avx512

namespace xc {
bool add_avx512_interleaved(KernelTable& t) {
  using namespace avx512;
  t.traits(GgmlType::Q8_0).interleaved.dot = block32_x8_dot<Q8_0Kind>;
  t.traits(GgmlType::Q4_0).interleaved.dot = block32_x8_dot<Q4_0Kind>;
  t.traits(GgmlType::Q5_0).interleaved.dot = block32_x8_dot<Q5_0Kind>;
  t.traits(GgmlType::Q8_0).interleaved.tile_4x4 = block32_x8<Q8_0Kind, 4, 4, true>;
  t.traits(GgmlType::Q4_0).interleaved.tile_4x4 = block32_x8<Q4_0Kind, 4, 4, true>;
  t.traits(GgmlType::Q5_0).interleaved.tile_4x4 = block32_x8<Q5_0Kind, 4, 4, true>;
  // Decode batches of 2, 3, 6 or 7 sequences: the tokens left after the 4×4 tiles share each weight read too.
  t.traits(GgmlType::Q8_0).interleaved.tile_4x2 = block32_x8<Q8_0Kind, 4, 2, false>;
  t.traits(GgmlType::Q4_0).interleaved.tile_4x2 = block32_x8<Q4_0Kind, 4, 2, false>;
  t.traits(GgmlType::Q5_0).interleaved.tile_4x2 = block32_x8<Q5_0Kind, 4, 2, false>;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_interleaved(KernelTable&) { return false; }
}  // namespace xc

#endif
