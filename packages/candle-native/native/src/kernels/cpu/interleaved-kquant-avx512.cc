// R weight rows × T activation rows of the K-quant interleaved layouts (Q4_K x8, Q6_K x16; block-types.h),
// built for AVX-512BW/VL + VNNI and run only when cpuid reports it. Both are 512-bit: Q4_K's two 256-bit
// vectors c and c + 1 (lane k: sub-block k) side by side, Q6_K's sixteen 16-element sub-blocks one per lane.
//
// Per 256-element block, the vector steps run outermost: each weight vector is unpacked once and meets
// the T activation vectors in R·T independent vpdpbusd chains; the integer sums get their float scales
// once per block. Rows and tokens go in groups (q4k_tile's K, Q6_K's pairs, passes of tokens) so the
// integer sums, the float accumulators and the operands stay in the 32 registers.
#include "kernels/cpu/interleaved-kquant-avx512.h"

#include "kernels/cpu/cpu-features.h"

#if defined(__AVX512F__) && defined(__AVX512BW__) && defined(__AVX512VL__) && defined(__AVX512VNNI__) && defined(__F16C__)
#include <immintrin.h>

#include <cstddef>
#include <cstring>
#include <utility>

#include "kernels/cpu/avx512-sums.h"
#include "kernels/cpu/block-types.h"

#include "kernels/cpu/avx512-gcc-warnings.h"

// The row, token and vector loops are short and fixed: unrolled, their arrays live in registers.
#define XC_UNROLL _Pragma("GCC unroll 16")

namespace xc::avx512_kquant {

namespace {

inline float half(const uint8_t* p) {
  uint16_t h;
  std::memcpy(&h, p, 2);
  return _cvtsh_ss(h);
}

inline __m512i load512(const void* p) { return _mm512_loadu_si512(p); }

using Kernel = void (*)(int64_t, const uint8_t*, int64_t, const uint8_t*, int64_t, float*, int64_t);

// Runs a T-token tile as passes of at most `Most` tokens, for shapes whose accumulators would not stay
// in registers: out of registers, spilling costs more than unpacking the weights again.
template <int Most, template <int, int> class Tile, int R, int T>
inline void in_token_passes(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  int t = 0;
  for (; t + Most <= T; t += Most) Tile<R, Most>::run(n, w, ws, x + t * xs, xs, out + t * os, os);
  if constexpr (T % Most != 0) Tile<R, T % Most>::run(n, w, ws, x + t * xs, xs, out + t * os, os);
}

using avx512::store_sums;
using avx512::sum4_pairs;

// Lane J of the header vectors gets block J's 16 bytes from its scales on, and its f16 d and dmin.
template <int J>
inline void gather_header(const uint8_t* block, __m512i& packed, __m128i& halves) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block + offsetof(BlockQ4K, scales)));
  uint32_t d_dmin;
  std::memcpy(&d_dmin, block, 4);
  halves = _mm_insert_epi32(halves, static_cast<int>(d_dmin), J);
  if constexpr (J == 0) packed = _mm512_castsi128_si512(bytes);
  else packed = _mm512_inserti32x4(packed, bytes, J);
}

// Lanes 0..7: block J's eight scales · d, lanes 8..15: its eight mins · dmin.
template <int J>
inline __m512 header_scales(__m512i unpacked, __m512 d) {
  __m128i row;
  if constexpr (J == 0) row = _mm512_castsi512_si128(unpacked);
  else row = _mm512_extracti32x4_epi32(unpacked, J);
  const __m512i d_then_dmin = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);
  return _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepu8_epi32(row)),
                       _mm512_permutexvar_ps(_mm512_add_epi32(d_then_dmin, _mm512_set1_epi32(2 * J)), d));
}

// The float scales of P Q4_K blocks: lanes 0..7 of sm[j] hold row j's eight d·scale, lanes 8..15 its
// eight dmin·min. The six-bit unpacking (ggml's get_scale_min_k4) runs on all P blocks at once, one per
// 128-bit lane; it reads the 12 scale bytes and the 4 quant bytes after them.
template <int P, int... J>
inline void q4k_scales(const uint8_t* const (&block)[P], __m512 (&sm)[P], std::integer_sequence<int, J...>) {
  static_assert(P >= 1 && P <= 4, "one block per 128-bit lane");
  __m512i v = _mm512_setzero_si512();
  __m128i halves = _mm_setzero_si128();
  (gather_header<J>(block[J], v, halves), ...);
  // Per 128-bit lane, dwords u0 u1 u2 (u3) of the packed bytes.
  const __m512i low6 = _mm512_and_si512(v, _mm512_set1_epi8(0x3f));  // scales 0..3, mins 0..3
  const __m512i top2 = _mm512_slli_epi32(_mm512_and_si512(_mm512_srli_epi32(v, 6), _mm512_set1_epi8(0x03)), 4);
  const __m512i u2 = _mm512_shuffle_epi32(v, _MM_PERM_CCCC);
  const __m512i nibbles = _mm512_unpacklo_epi32(_mm512_and_si512(u2, _mm512_set1_epi8(0x0f)),
                                                _mm512_and_si512(_mm512_srli_epi32(u2, 4), _mm512_set1_epi8(0x0f)));
  const __m512i upper = _mm512_or_si512(nibbles, top2);         // scales 4..7, mins 4..7
  const __m512i unpacked = _mm512_unpacklo_epi32(low6, upper);  // per lane: scales 0..7, mins 0..7
  const __m512 d = _mm512_castps256_ps512(_mm256_cvtph_ps(halves));  // d0 dmin0 d1 dmin1 …
  ((sm[J] = header_scales<J>(unpacked, d)), ...);
}

// Q4_K: byte 32c + 4k + i of qs holds vector c (low nibble) and c + 4 (high nibble), so the 64 bytes
// at 64h carry vectors 2h, 2h + 1 (low) and 2h + 4, 2h + 5 (high): the activation's bytes 64h and 128 + 64h.
// Each weight row's integer sums meet the tokens' in R·T vpdpbusd chains (K rows unpacked at a time).
// With Pairs, tokens 2u and 2u + 1 share one float accumulator (lanes 0..7 and 8..15): the integer
// halves are folded first, so the float epilogue runs once per pair.
template <int R, int T, bool Pairs, int K>
void q4k_tile(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  static_assert(!Pairs || T % 2 == 0, "token pairs");
  static_assert(R % K == 0 && R <= 4, "rows go K at a time, at most four");
  constexpr int A = Pairs ? T / 2 : T;  // float accumulators per row
  const __m512i mask = _mm512_set1_epi8(0xF);
  const __m512i dup_scales = _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2, 3, 4, 5, 6, 7);
  const __m512i dup_mins = _mm512_setr_epi32(8, 9, 10, 11, 12, 13, 14, 15, 8, 9, 10, 11, 12, 13, 14, 15);
  __m512 acc[R][A];
  XC_UNROLL
  for (auto& row : acc) for (auto& a : row) a = _mm512_setzero_ps();
  for (int64_t i = 0; i < n / kQK_K; i++) {
    const int8_t* y[T];
    const ActQ8Kx8* act[T];
    XC_UNROLL
    for (int t = 0; t < T; t++) {
      act[t] = reinterpret_cast<const ActQ8Kx8*>(x + t * xs) + i;
      y[t] = act[t]->qs;
    }
    // d: the tokens' scales per half; dsum: d·Σq of the eight sub-blocks per half (single tokens: the
    // upper half, beside the mins of sm, the lower half zero).
    __m512 d[A], dsum[A];
    XC_UNROLL
    for (int a = 0; a < A; a++) {
      const auto sums = [](const ActQ8Kx8* b) { return _mm256_loadu_pd(reinterpret_cast<const double*>(b->dsum)); };
      if constexpr (Pairs) {
        d[a] = _mm512_mask_mov_ps(_mm512_set1_ps(act[2 * a]->d), 0xFF00, _mm512_set1_ps(act[2 * a + 1]->d));
        dsum[a] = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_castpd256_pd512(sums(act[2 * a])), sums(act[2 * a + 1]), 1));
      } else {
        d[a] = _mm512_set1_ps(act[a]->d);
        dsum[a] = _mm512_castpd_ps(_mm512_insertf64x4(_mm512_setzero_pd(), sums(act[a]), 1));
      }
    }
    const uint8_t* block[R];
    XC_UNROLL
    for (int r = 0; r < R; r++) block[r] = w + r * ws + i * static_cast<int64_t>(sizeof(BlockQ4K));
    __m512 sm[R];
    q4k_scales<R>(block, sm, std::make_integer_sequence<int, R>());
    XC_UNROLL
    for (int r0 = 0; r0 < R; r0 += K) {
      __m512i p[K][T];
      XC_UNROLL
      for (int j = 0; j < K; j++) {
        XC_UNROLL
        for (int t = 0; t < T; t++) p[j][t] = _mm512_setzero_si512();
      }
      XC_UNROLL
      for (int h = 0; h < 2; h++) {
        __m512i bits[K];
        XC_UNROLL
        for (int j = 0; j < K; j++) {
          bits[j] = load512(block[r0 + j] + offsetof(BlockQ4K, qs) + 64 * h);
          const __m512i q = _mm512_and_si512(bits[j], mask);
          XC_UNROLL
          for (int t = 0; t < T; t++) p[j][t] = _mm512_dpbusd_epi32(p[j][t], q, load512(y[t] + 64 * h));
        }
        XC_UNROLL
        for (int j = 0; j < K; j++) {
          const __m512i q = _mm512_and_si512(_mm512_srli_epi16(bits[j], 4), mask);
          XC_UNROLL
          for (int t = 0; t < T; t++) p[j][t] = _mm512_dpbusd_epi32(p[j][t], q, load512(y[t] + 128 + 64 * h));
        }
      }
      XC_UNROLL
      for (int j = 0; j < K; j++) {
        const __m512 scale = _mm512_permutexvar_ps(dup_scales, sm[r0 + j]);
        const __m512 min = Pairs ? _mm512_permutexvar_ps(dup_mins, sm[r0 + j]) : sm[r0 + j];
        XC_UNROLL
        for (int a = 0; a < A; a++) {
          __m512i sum = p[j][a];
          if constexpr (Pairs) {
            sum = _mm512_add_epi32(_mm512_shuffle_i64x2(p[j][2 * a], p[j][2 * a + 1], 0x44),
                                   _mm512_shuffle_i64x2(p[j][2 * a], p[j][2 * a + 1], 0xEE));
          }
          __m512& s = acc[r0 + j][a];
          s = _mm512_fmadd_ps(_mm512_cvtepi32_ps(sum), _mm512_mul_ps(scale, d[a]), s);
          s = _mm512_fnmadd_ps(min, dsum[a], s);
        }
      }
    }
  }
  if constexpr (Pairs) {
    XC_UNROLL
    for (int u = 0; u < A; u++) {
      int r = 0;
      for (; r + 4 <= R; r += 4) {
        sum4_pairs(acc[r][u], acc[r + 1][u], acc[r + 2][u], acc[r + 3][u], out + 2 * u * os + r, out + (2 * u + 1) * os + r);
      }
      for (; r < R; r++) {
        out[2 * u * os + r] = _mm512_mask_reduce_add_ps(0x00FF, acc[r][u]);
        out[(2 * u + 1) * os + r] = _mm512_mask_reduce_add_ps(0xFF00, acc[r][u]);
      }
    }
  } else {
    store_sums<R, T>(acc, out, os);
  }
}

// Pairs of tokens in passes of up to eight, an odd last token on its own. Up to four tokens, all rows
// are unpacked at once, so each activation vector is loaded once per block for all of them (the
// activations stream from L2 for every row group: their loads bound the tile); six and eight tokens
// take fewer rows at a time to keep the integer sums in registers.
template <int R, int T>
struct Q4KPairTile {
  static void run(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
    q4k_tile<R, T, true, T <= 4 ? R : (R >= 2 && T < 8 ? 2 : 1)>(n, w, ws, x, xs, out, os);
  }
};

template <int R, int T>
void q4k_x8(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  if constexpr (T % 2 == 1) q4k_tile<R, 1, false, R >= 2 ? 2 : 1>(n, w, ws, x + (T - 1) * xs, xs, out + (T - 1) * os, os);
  if constexpr (T >= 2) in_token_passes<8, Q4KPairTile, R, T - T % 2>(n, w, ws, x, xs, out, os);
}

// Q6_K in its 16-lane layout: one vpdpbusd lane sums one 16-element sub-block.
template <int R, int T>
struct Q6KTile {
  static void run(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os);
};

template <int R, int T>
void q6k_x16(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  in_token_passes<2, Q6KTile, R, T>(n, w, ws, x, xs, out, os);
}

template <int R, int T>
void Q6KTile<R, T>::run(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  constexpr int kPair = R >= 2 ? 2 : 1;
  static_assert(R % kPair == 0, "rows go in pairs");
  const __m512i low4 = _mm512_set1_epi8(0xF), low2 = _mm512_set1_epi8(3);
  __m512 acc[R][T];
  XC_UNROLL
  for (auto& row : acc) for (auto& a : row) a = _mm512_setzero_ps();
  for (int64_t i = 0; i < n / kQK_K; i++) {
    const int8_t* y[T];
    __m512 d[T];
    __m512i bias[T];  // −32 · Σy of each sub-block: the quants are stored as q + 32
    XC_UNROLL
    for (int t = 0; t < T; t++) {
      const ActQ8Kx16* a = reinterpret_cast<const ActQ8Kx16*>(x + t * xs) + i;
      y[t] = a->qs;
      d[t] = _mm512_set1_ps(a->d);
      bias[t] = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_slli_epi32(load512(a->sum), 5));
    }
    XC_UNROLL
    for (int r0 = 0; r0 < R; r0 += kPair) {
      const uint8_t* block[kPair];
      __m512i p[kPair][T];
      XC_UNROLL
      for (int j = 0; j < kPair; j++) {
        block[j] = w + (r0 + j) * ws + i * static_cast<int64_t>(sizeof(BlockQ6Kx16));
        XC_UNROLL
        for (int t = 0; t < T; t++) p[j][t] = bias[t];
      }
      // Vector v: low bits from byte half v / 2 of `low` row v % 2, top bits from bits 2v of `high`.
      XC_UNROLL
      for (int v = 0; v < 4; v++) {
        XC_UNROLL
        for (int j = 0; j < kPair; j++) {
          const __m512i low = load512(block[j] + offsetof(BlockQ6Kx16, low) + 64 * (v & 1));
          const __m512i high = load512(block[j] + offsetof(BlockQ6Kx16, high));
          const __m512i low_bits = v < 2 ? _mm512_and_si512(low, low4) : _mm512_and_si512(_mm512_srli_epi16(low, 4), low4);
          const __m512i top = _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(high, 2 * v), low2), 4);
          const __m512i q = _mm512_or_si512(low_bits, top);
          XC_UNROLL
          for (int t = 0; t < T; t++) p[j][t] = _mm512_dpbusd_epi32(p[j][t], q, load512(y[t] + 64 * v));
        }
      }
      XC_UNROLL
      for (int j = 0; j < kPair; j++) {
        const __m128i scales8 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(block[j] + offsetof(BlockQ6Kx16, scales)));
        const __m512 scale = _mm512_mul_ps(_mm512_cvtepi32_ps(_mm512_cvtepi8_epi32(scales8)), _mm512_set1_ps(half(block[j])));
        XC_UNROLL
        for (int t = 0; t < T; t++) {
          acc[r0 + j][t] = _mm512_fmadd_ps(_mm512_cvtepi32_ps(p[j][t]), _mm512_mul_ps(scale, d[t]), acc[r0 + j][t]);
        }
      }
    }
  }
  store_sums<R, T>(acc, out, os);
}

template <Kernel Kernel>
float dot_of(int64_t n, const void* w, const void* x) {
  float out;
  Kernel(n, static_cast<const uint8_t*>(w), 0, static_cast<const uint8_t*>(x), 0, &out, 1);
  return out;
}

template <int... T>
void add_shapes(std::vector<KQuantTile>& out, std::integer_sequence<int, T...>) {
  (out.push_back({GgmlType::Q4_K, 4, T + 1, q4k_x8<4, T + 1>}), ...);
  (out.push_back({GgmlType::Q6_K, 4, T + 1, q6k_x16<4, T + 1>}), ...);
}

}  // namespace

}  // namespace xc::avx512_kquant

namespace xc {
bool add_avx512_kquant_interleaved(KernelTable& t) {
  using namespace avx512_kquant;
  t.traits(GgmlType::Q4_K).interleaved.dot = dot_of<q4k_x8<1, 1>>;
  t.traits(GgmlType::Q6_K).interleaved.dot = dot_of<q6k_x16<1, 1>>;
  t.traits(GgmlType::Q4_K).interleaved.tile_4x4 = q4k_x8<4, 4>;
  t.traits(GgmlType::Q6_K).interleaved.tile_4x4 = q6k_x16<4, 4>;
  t.traits(GgmlType::Q4_K).interleaved.tile_4x2 = q4k_x8<4, 2>;
  t.traits(GgmlType::Q6_K).interleaved.tile_4x2 = q6k_x16<4, 2>;
  return true;
}

std::vector<KQuantTile> avx512_kquant_tiles() {
  using namespace avx512_kquant;
  std::vector<KQuantTile> shapes;
  if (!cpu_features().avx512) return shapes;
  shapes.push_back({GgmlType::Q4_K, 1, 1, q4k_x8<1, 1>});
  shapes.push_back({GgmlType::Q6_K, 1, 1, q6k_x16<1, 1>});
  add_shapes(shapes, std::make_integer_sequence<int, 8>());
  return shapes;
}
}  // namespace xc

#else

namespace xc {
bool add_avx512_kquant_interleaved(KernelTable&) { return false; }
std::vector<KQuantTile> avx512_kquant_tiles() { return {}; }
}  // namespace xc

#endif
