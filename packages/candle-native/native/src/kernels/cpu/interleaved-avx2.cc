// AVX2 kernels for the interleaved layouts of Q4_0 and Q5_0 (interleave.h). Their unsigned quants stay below
// 32, so four vpmaddubsw products of one lane add up in 16 bits without saturating and one vpmaddwd
// widens them: about half the instructions of the per-block path. Q8_0 (quants up to 255 once
// offset) and the K-quants gain nothing without VNNI and keep the file's layout on AVX2 CPUs.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <immintrin.h>

#include <cstddef>
#include <cstring>

#include "kernels/cpu/avx2-helpers.h"
#include "kernels/cpu/block-types.h"

namespace xc::avx2 {

namespace {

constexpr int64_t kGroup = 256;

inline __m256i load(const void* p) { return _mm256_loadu_si256(static_cast<const __m256i*>(p)); }

struct Q4_0Kind {
  using Group = BlockQ4_0x8;
  using Block = BlockQ4_0;
  static constexpr int kShift = 3;
  static void add_fifth_bits(const uint8_t*, int, __m256i&, __m256i&) {}
  static __m256i unpack(const Block& b) { return load_q4_nibbles(b.qs); }
};
struct Q5_0Kind {
  using Group = BlockQ5_0x8;
  using Block = BlockQ5_0;
  static constexpr int kShift = 4;
  // Vectors c and c + 4 of a group get their fifth bits.
  static void add_fifth_bits(const uint8_t* group, int c, __m256i& low, __m256i& high) {
    uint32_t bits[2];
    std::memcpy(&bits[0], group + offsetof(Group, qh) + 4 * c, 4);
    std::memcpy(&bits[1], group + offsetof(Group, qh) + 4 * (c + 4), 4);
    low = _mm256_or_si256(low, fifth_bits(bits[0]));
    high = _mm256_or_si256(high, fifth_bits(bits[1]));
  }
  static __m256i unpack(const Block& b) {
    uint32_t qh;
    std::memcpy(&qh, b.qh, 4);
    return _mm256_or_si256(load_q4_nibbles(b.qs), fifth_bits(qh));
  }
};

// One weight row against T activation rows: out[t·os] = row · x_t.
template <typename Kind, int T>
void row_x8(int64_t n, const uint8_t* w, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  using Group = typename Kind::Group;
  const int64_t groups = n / kGroup;
  const __m256i mask = _mm256_set1_epi8(0xF);
  const __m256i ones = _mm256_set1_epi16(1);
  __m256 acc[T];
  for (auto& a : acc) a = _mm256_setzero_ps();
  for (int64_t g = 0; g < groups; g++) {
    const uint8_t* group = w + g * static_cast<int64_t>(sizeof(Group));
    const ActQ8_0x8* y[T];
    __m256i sums[T];
    for (int t = 0; t < T; t++) {
      y[t] = reinterpret_cast<const ActQ8_0x8*>(x + t * xs) + g;
      // −offset · Σy of each block: the quants are stored offset by 2^kShift
      sums[t] = _mm256_sub_epi32(_mm256_setzero_si256(), _mm256_slli_epi32(load(y[t]->sum), Kind::kShift));
    }
    for (int half = 0; half < 2; half++) {  // vectors {0, 4, 1, 5}, then {2, 6, 3, 7}: four products per 16-bit lane
      __m256i partial[T];
      for (auto& p : partial) p = _mm256_setzero_si256();
      for (int c = 2 * half; c < 2 * half + 2; c++) {
        const __m256i bits = load(group + offsetof(Group, qs) + 32 * c);
        __m256i low = _mm256_and_si256(bits, mask);
        __m256i high = _mm256_and_si256(_mm256_srli_epi16(bits, 4), mask);
        Kind::add_fifth_bits(group, c, low, high);
        for (int t = 0; t < T; t++) {
          partial[t] = _mm256_add_epi16(partial[t], _mm256_maddubs_epi16(low, load(y[t]->qs + 32 * c)));
          partial[t] = _mm256_add_epi16(partial[t], _mm256_maddubs_epi16(high, load(y[t]->qs + 32 * (c + 4))));
        }
      }
      for (int t = 0; t < T; t++) sums[t] = _mm256_add_epi32(sums[t], _mm256_madd_epi16(partial[t], ones));
    }
    const __m256 dw = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(group)));
    for (int t = 0; t < T; t++) {
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(sums[t]), _mm256_mul_ps(dw, _mm256_loadu_ps(y[t]->d)), acc[t]);
    }
  }
  // The ggml blocks after the last whole group.
  using Block = typename Kind::Block;
  const uint8_t* w_tail = w + groups * static_cast<int64_t>(sizeof(Group));
  const uint8_t* x_tail = x + groups * static_cast<int64_t>(sizeof(ActQ8_0x8));
  for (int64_t b = 0; b < (n - groups * kGroup) / kQK8_0; b++) {
    Block block;
    std::memcpy(&block, w_tail + b * static_cast<int64_t>(sizeof(Block)), sizeof(Block));
    const __m256i q = Kind::unpack(block);
    for (int t = 0; t < T; t++) {
      const ActQ8_0* y = reinterpret_cast<const ActQ8_0*>(x_tail + t * xs) + b;
      const __m256i yq = load(y->qs);
      const __m256i sum_y = _mm256_madd_epi16(_mm256_maddubs_epi16(_mm256_set1_epi8(1), yq), ones);
      const __m256i p = _mm256_sub_epi32(_mm256_madd_epi16(_mm256_maddubs_epi16(q, yq), ones),
                                         _mm256_slli_epi32(sum_y, Kind::kShift));
      acc[t] = _mm256_fmadd_ps(_mm256_cvtepi32_ps(p), _mm256_set1_ps(half(block.d) * y->d), acc[t]);
    }
  }
  for (int t = 0; t < T; t++) out[t * os] = hsum(acc[t]);
}

// 4 rows × 4 tokens, one row at a time: the four activation rows stay in L1 while each row passes.
template <typename Kind>
void tile_x8(int64_t n, const uint8_t* w, int64_t ws, const uint8_t* x, int64_t xs, float* out, int64_t os) {
  for (int r = 0; r < 4; r++) row_x8<Kind, 4>(n, w + r * ws, x, xs, out + r, os);
}

template <typename Kind>
float dot_x8(int64_t n, const void* w, const void* x) {
  float out;
  row_x8<Kind, 1>(n, static_cast<const uint8_t*>(w), static_cast<const uint8_t*>(x), 0, &out, 1);
  return out;
}

}  // namespace

}  // namespace xc::avx2

namespace xc {
bool add_avx2_interleaved(KernelTable& t) {
  t.traits(GgmlType::Q4_0).interleaved.dot = avx2::dot_x8<avx2::Q4_0Kind>;
  t.traits(GgmlType::Q5_0).interleaved.dot = avx2::dot_x8<avx2::Q5_0Kind>;
  t.traits(GgmlType::Q4_0).interleaved.tile_4x4 = avx2::tile_x8<avx2::Q4_0Kind>;
  t.traits(GgmlType::Q5_0).interleaved.tile_4x4 = avx2::tile_x8<avx2::Q5_0Kind>;
  return true;
}
}  // namespace xc

#else

namespace xc {
bool add_avx2_interleaved(KernelTable&) { return false; }
}  // namespace xc

#endif
