#include "kernels/cpu/argmax-row.h"

#include <limits>

#include "kernels/cpu/cpu-features.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define XC_ARGMAX_X86 1
#endif

namespace xc::cpu {
namespace {

int32_t argmax_scalar(const float* row, int64_t from, int64_t n, int32_t best, float best_value) {
  for (int64_t i = from; i < n; i++) {
    // A strict '>' keeps the first of equal values and never takes a NaN.
    if (row[i] > best_value) {
      best_value = row[i];
      best = static_cast<int32_t>(i);
    }
  }
  return best;
}

int32_t argmax_masked_scalar(const float* row, int64_t from, int64_t n, const uint32_t* allowed, int32_t best,
                             float best_value) {
  for (int64_t i = from; i < n; i++) {
    if (((allowed[i >> 5] >> (i & 31)) & 1u) != 0 && row[i] > best_value) {
      best_value = row[i];
      best = static_cast<int32_t>(i);
    }
  }
  return best;
}

bool allows_any(int64_t n, const uint32_t* allowed) {
  const int64_t full = n >> 5;
  for (int64_t w = 0; w < full; w++)
    if (allowed[w] != 0) return true;
  const int64_t tail = n & 31;
  return tail != 0 && (allowed[full] & ((uint32_t{1} << tail) - 1)) != 0;
}

#if XC_ARGMAX_X86
// Eight lanes each keep their own first maximum (strict ordered compare: ties keep the earlier index,
// NaN compares false); the lanes then merge by value, the lower index winning ties, which is the
// first maximum of the whole prefix. Lanes start at (-inf, 0) so an all -inf/NaN row gives 0.
// With `allowed`, each 32-token block's lanes whose bit is clear read -inf, which never wins.
template <bool kMasked>
__attribute__((target("avx2"))) int32_t argmax_avx2(const float* row, int64_t n, const uint32_t* allowed) {
  const int64_t body = n & ~int64_t{31};
  const float low = -std::numeric_limits<float>::infinity();
  if (body == 0)
    return kMasked ? argmax_masked_scalar(row, 0, n, allowed, 0, low) : argmax_scalar(row, 0, n, 0, low);
  __m256 best[4];
  __m256i index[4];
  __m256i current[4];
  const __m256i step = _mm256_set1_epi32(32);
  for (int k = 0; k < 4; k++) {
    best[k] = _mm256_set1_ps(-std::numeric_limits<float>::infinity());
    index[k] = _mm256_setzero_si256();
    current[k] = _mm256_setr_epi32(8 * k, 8 * k + 1, 8 * k + 2, 8 * k + 3, 8 * k + 4, 8 * k + 5, 8 * k + 6, 8 * k + 7);
  }
  const __m256 minus_inf = _mm256_set1_ps(low);
  const __m256i lane_bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  for (int64_t i = 0; i < body; i += 32) {
    uint32_t bits = 0xffffffffu;
    if constexpr (kMasked) {
      bits = allowed[i >> 5];
      if (bits == 0) {
        for (int k = 0; k < 4; k++) current[k] = _mm256_add_epi32(current[k], step);
        continue;
      }
    }
    for (int k = 0; k < 4; k++) {
      __m256 value = _mm256_loadu_ps(row + i + 8 * k);
      if constexpr (kMasked) {
        const __m256i byte = _mm256_set1_epi32(static_cast<int32_t>((bits >> (8 * k)) & 0xffu));
        const __m256i on = _mm256_cmpeq_epi32(_mm256_and_si256(byte, lane_bit), lane_bit);
        value = _mm256_blendv_ps(minus_inf, value, _mm256_castsi256_ps(on));
      }
      const __m256 greater = _mm256_cmp_ps(value, best[k], _CMP_GT_OQ);
      best[k] = _mm256_blendv_ps(best[k], value, greater);
      index[k] = _mm256_blendv_epi8(index[k], current[k], _mm256_castps_si256(greater));
      current[k] = _mm256_add_epi32(current[k], step);
    }
  }
  alignas(32) float values[32];
  alignas(32) int32_t ids[32];
  for (int k = 0; k < 4; k++) {
    _mm256_store_ps(values + 8 * k, best[k]);
    _mm256_store_si256(reinterpret_cast<__m256i*>(ids + 8 * k), index[k]);
  }
  int32_t winner = 0;
  float winner_value = -std::numeric_limits<float>::infinity();
  for (int lane = 0; lane < 32; lane++) {
    if (values[lane] > winner_value || (values[lane] == winner_value && ids[lane] < winner)) {
      winner_value = values[lane];
      winner = ids[lane];
    }
  }
  return kMasked ? argmax_masked_scalar(row, body, n, allowed, winner, winner_value)
                 : argmax_scalar(row, body, n, winner, winner_value);
}
#endif

}  // namespace

int32_t argmax_row(const float* row, int64_t n) {
#if XC_ARGMAX_X86
  if (cpu_features().avx2) return argmax_avx2<false>(row, n, nullptr);
#endif
  return argmax_scalar(row, 0, n, 0, -std::numeric_limits<float>::infinity());
}

int32_t argmax_row_masked(const float* row, int64_t n, const uint32_t* allowed) {
  if (!allows_any(n, allowed)) return -1;
#if XC_ARGMAX_X86
  if (cpu_features().avx2) return argmax_avx2<true>(row, n, allowed);
#endif
  return argmax_masked_scalar(row, 0, n, allowed, 0, -std::numeric_limits<float>::infinity());
}

}  // namespace xc::cpu
