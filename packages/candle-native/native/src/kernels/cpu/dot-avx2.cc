// AVX2/FMA/F16C kernels. CMake compiles only this file with -mavx2 -mfma -mf16c; nothing here runs
// unless cpuid reports those features (kernel-table.cc), so the library still loads on older CPUs.
#include "kernels/cpu/kernel-table.h"

#if defined(__AVX2__) && defined(__FMA__) && defined(__F16C__)
#include <immintrin.h>

#include <cstring>

#include "kernels/cpu/block-types.h"

namespace xc::avx2 {

namespace {

inline float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  s = _mm_add_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline float half(uint16_t h) { return _cvtsh_ss(h); }

// Signed int8 × int8 → 8 int32 partial sums (maddubs needs one unsigned operand).
inline __m256i dot_i8(__m256i x, __m256i y) {
  const __m256i ax = _mm256_sign_epi8(x, x);
  const __m256i sy = _mm256_sign_epi8(y, x);
  return _mm256_madd_epi16(_mm256_maddubs_epi16(ax, sy), _mm256_set1_epi16(1));
}

inline __m256i load_q4_nibbles(const uint8_t* q) {
  const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
  const __m128i low = _mm_and_si128(bytes, _mm_set1_epi8(0xF));
  const __m128i high = _mm_and_si128(_mm_srli_epi16(bytes, 4), _mm_set1_epi8(0xF));
  return _mm256_set_m128i(high, low);
}

// Rounds 8 floats to int32 (half to even), like lrintf in the scalar path.
inline __m256i round8(__m256 v) { return _mm256_cvtps_epi32(v); }

inline __m256i pack32(__m256i a, __m256i b, __m256i c, __m256i d) {
  const __m256i ab = _mm256_packs_epi32(a, b);
  const __m256i cd = _mm256_packs_epi32(c, d);
  const __m256i packed = _mm256_packs_epi16(ab, cd);
  return _mm256_permutevar8x32_epi32(packed, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
}

inline float amax32(const float* v, int n) {
  const __m256 sign = _mm256_set1_ps(-0.0f);
  __m256 m = _mm256_setzero_ps();
  for (int j = 0; j < n; j += 8) m = _mm256_max_ps(m, _mm256_andnot_ps(sign, _mm256_loadu_ps(v + j)));
  __m128 s = _mm_max_ps(_mm256_castps256_ps128(m), _mm256_extractf128_ps(m, 1));
  s = _mm_max_ps(s, _mm_movehl_ps(s, s));
  s = _mm_max_ss(s, _mm_movehdup_ps(s));
  return _mm_cvtss_f32(s);
}

inline void quantize32(const float* v, float id, int8_t* out) {
  const __m256 m = _mm256_set1_ps(id);
  const __m256i q = pack32(round8(_mm256_mul_ps(_mm256_loadu_ps(v), m)), round8(_mm256_mul_ps(_mm256_loadu_ps(v + 8), m)),
                           round8(_mm256_mul_ps(_mm256_loadu_ps(v + 16), m)),
                           round8(_mm256_mul_ps(_mm256_loadu_ps(v + 24), m)));
  _mm256_storeu_si256(reinterpret_cast<__m256i*>(out), q);
}

}  // namespace

float dot_f32_f32(int64_t n, const float* a, const float* b) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i + 8), _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= n; i += 8) acc0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + i), _mm256_loadu_ps(b + i), acc0);
  float sum = hsum(_mm256_add_ps(acc0, acc1));
  for (; i < n; i++) sum += a[i] * b[i];
  return sum;
}

float dot_f16_f32(int64_t n, const uint16_t* a, const float* b) {
  __m256 acc0 = _mm256_setzero_ps(), acc1 = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) {
    const __m256 a0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    const __m256 a1 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i + 8)));
    acc0 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(b + i), acc0);
    acc1 = _mm256_fmadd_ps(a1, _mm256_loadu_ps(b + i + 8), acc1);
  }
  for (; i + 8 <= n; i += 8) {
    const __m256 a0 = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    acc0 = _mm256_fmadd_ps(a0, _mm256_loadu_ps(b + i), acc0);
  }
  float sum = hsum(_mm256_add_ps(acc0, acc1));
  for (; i < n; i++) sum += half(a[i]) * b[i];
  return sum;
}

void axpy_f16(int64_t n, float alpha, const uint16_t* x, float* y) {
  const __m256 a = _mm256_set1_ps(alpha);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256 v = _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(x + i)));
    _mm256_storeu_ps(y + i, _mm256_fmadd_ps(a, v, _mm256_loadu_ps(y + i)));
  }
  for (; i < n; i++) y[i] += alpha * half(x[i]);
}

void axpy_f32(int64_t n, float alpha, const float* x, float* y) {
  const __m256 a = _mm256_set1_ps(alpha);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(y + i, _mm256_fmadd_ps(a, _mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i)));
  for (; i < n; i++) y[i] += alpha * x[i];
}

void f32_to_f16(const float* x, uint16_t* y, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    _mm_storeu_si128(reinterpret_cast<__m128i*>(y + i), _mm256_cvtps_ph(_mm256_loadu_ps(x + i), _MM_FROUND_TO_NEAREST_INT));
  }
  for (; i < n; i++) y[i] = _cvtss_sh(x[i], _MM_FROUND_TO_NEAREST_INT);
}

float dot_f32(int64_t n, const void* w, const void* x) {
  return dot_f32_f32(n, static_cast<const float*>(w), static_cast<const float*>(x));
}

float dot_f16(int64_t n, const void* w, const void* x) {
  return dot_f16_f32(n, static_cast<const uint16_t*>(w), static_cast<const float*>(x));
}

float dot_bf16(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const uint16_t*>(w);
  const auto* b = static_cast<const float*>(x);
  __m256 acc = _mm256_setzero_ps();
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const __m256i wide = _mm256_cvtepu16_epi32(_mm_loadu_si128(reinterpret_cast<const __m128i*>(a + i)));
    acc = _mm256_fmadd_ps(_mm256_castsi256_ps(_mm256_slli_epi32(wide, 16)), _mm256_loadu_ps(b + i), acc);
  }
  float sum = hsum(acc);
  for (; i < n; i++) {
    const uint32_t bits = static_cast<uint32_t>(a[i]) << 16;
    float f;
    std::memcpy(&f, &bits, 4);
    sum += f * b[i];
  }
  return sum;
}

float dot_q8_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ8_0*>(w);
  const auto* b = static_cast<const ActQ8_0*>(x);
  const int64_t blocks = n / kQK8_0;
  // independent accumulators: the fmadd chain, not memory, would otherwise bound a row
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  int64_t i = 0;
  for (; i + 4 <= blocks; i += 4) {
    for (int k = 0; k < 4; k++) {
      const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[i + k].qs));
      const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i + k].qs));
      acc[k] = _mm256_fmadd_ps(_mm256_set1_ps(half(a[i + k].d) * b[i + k].d), _mm256_cvtepi32_ps(dot_i8(qa, qb)), acc[k]);
    }
  }
  for (; i < blocks; i++) {
    const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[i].qs));
    const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs));
    acc[0] = _mm256_fmadd_ps(_mm256_set1_ps(half(a[i].d) * b[i].d), _mm256_cvtepi32_ps(dot_i8(qa, qb)), acc[0]);
  }
  return hsum(_mm256_add_ps(_mm256_add_ps(acc[0], acc[1]), _mm256_add_ps(acc[2], acc[3])));
}

float dot_q4_0(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ4_0*>(w);
  const auto* b = static_cast<const ActQ8_0*>(x);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t i = 0; i < n / kQK4_0; i++) {
    const __m256i qa = _mm256_sub_epi8(load_q4_nibbles(a[i].qs), _mm256_set1_epi8(8));
    const __m256i qb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs));
    const __m256 d = _mm256_set1_ps(half(a[i].d) * b[i].d);
    acc = _mm256_fmadd_ps(d, _mm256_cvtepi32_ps(dot_i8(qa, qb)), acc);
  }
  return hsum(acc);
}

float dot_q4_k(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ4K*>(w);
  const auto* b = static_cast<const ActQ8K*>(x);
  const __m256i mask = _mm256_set1_epi8(0xF);
  __m256 acc = _mm256_setzero_ps();
  float mins = 0;
  for (int64_t i = 0; i < n / kQK_K; i++) {
    uint8_t sc[8], m[8];
    for (int j = 0; j < 8; j++) q4k_scale_min(j, a[i].scales, &sc[j], &m[j]);
    int summ = 0;
    for (int j = 0; j < 8; j++) summ += m[j] * (b[i].bsums[2 * j] + b[i].bsums[2 * j + 1]);
    mins += b[i].d * half(a[i].dmin) * static_cast<float>(summ);
    __m256i sumi = _mm256_setzero_si256();
    for (int j = 0; j < 4; j++) {
      const __m256i bits = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(a[i].qs + 32 * j));
      const __m256i low = _mm256_and_si256(bits, mask);
      const __m256i high = _mm256_and_si256(_mm256_srli_epi16(bits, 4), mask);
      const __m256i y0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs + 64 * j));
      const __m256i y1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(b[i].qs + 64 * j + 32));
      const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(low, y0), _mm256_set1_epi16(sc[2 * j]));
      const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(high, y1), _mm256_set1_epi16(sc[2 * j + 1]));
      sumi = _mm256_add_epi32(sumi, _mm256_add_epi32(p0, p1));
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(b[i].d * half(a[i].d)), _mm256_cvtepi32_ps(sumi), acc);
  }
  return hsum(acc) - mins;
}

float dot_q6_k(int64_t n, const void* w, const void* x) {
  const auto* a = static_cast<const BlockQ6K*>(w);
  const auto* b = static_cast<const ActQ8K*>(x);
  const __m256i m4 = _mm256_set1_epi8(0xF);
  const __m256i m2 = _mm256_set1_epi8(3);
  const __m256i k32 = _mm256_set1_epi8(32);
  __m256 acc = _mm256_setzero_ps();
  for (int64_t i = 0; i < n / kQK_K; i++) {
    __m256i sumi = _mm256_setzero_si256();
    for (int h = 0; h < 2; h++) {
      const uint8_t* ql = a[i].ql + 64 * h;
      const uint8_t* qh = a[i].qh + 32 * h;
      const int8_t* sc = a[i].scales + 8 * h;
      const int8_t* y = b[i].qs + 128 * h;
      const __m256i la = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql));
      const __m256i lb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(ql + 32));
      const __m256i hb = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(qh));
      __m256i q[4];
      q[0] = _mm256_or_si256(_mm256_and_si256(la, m4), _mm256_slli_epi16(_mm256_and_si256(hb, m2), 4));
      q[1] = _mm256_or_si256(_mm256_and_si256(lb, m4),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2), m2), 4));
      q[2] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(la, 4), m4),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 4), m2), 4));
      q[3] = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(lb, 4), m4),
                             _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 6), m2), 4));
      for (int k = 0; k < 4; k++) {
        const __m256i yk = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y + 32 * k));
        const __m256i p = _mm256_sub_epi16(_mm256_maddubs_epi16(q[k], yk), _mm256_maddubs_epi16(k32, yk));
        const __m256i scales = _mm256_set_m128i(_mm_set1_epi16(sc[2 * k + 1]), _mm_set1_epi16(sc[2 * k]));
        sumi = _mm256_add_epi32(sumi, _mm256_madd_epi16(p, scales));
      }
    }
    acc = _mm256_fmadd_ps(_mm256_set1_ps(b[i].d * half(a[i].d)), _mm256_cvtepi32_ps(sumi), acc);
  }
  return hsum(acc);
}

// A 4-row × 2-token tile of Q8_0 weights against Q8_0 activations, accumulators in registers:
// each weight block is loaded once for both tokens and each activation block once for four rows.
void tile_q8_0_4x2(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, int64_t x_stride, float* out,
                   int64_t out_stride) {
  const int64_t blocks = n / kQK8_0;
  __m256 acc[4][2];
  for (auto& row : acc) row[0] = row[1] = _mm256_setzero_ps();
  const auto* y0 = reinterpret_cast<const ActQ8_0*>(x);
  const auto* y1 = reinterpret_cast<const ActQ8_0*>(x + x_stride);
  for (int64_t i = 0; i < blocks; i++) {
    const __m256i b0 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y0[i].qs));
    const __m256i b1 = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y1[i].qs));
    const __m256 d0 = _mm256_set1_ps(y0[i].d);
    const __m256 d1 = _mm256_set1_ps(y1[i].d);
    for (int r = 0; r < 4; r++) {
      const auto* block = reinterpret_cast<const BlockQ8_0*>(w + r * w_stride) + i;
      const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block->qs));
      const __m256i ax = _mm256_sign_epi8(qa, qa);
      const __m256 dw = _mm256_set1_ps(half(block->d));
      const __m256i p0 = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(b0, qa)), _mm256_set1_epi16(1));
      const __m256i p1 = _mm256_madd_epi16(_mm256_maddubs_epi16(ax, _mm256_sign_epi8(b1, qa)), _mm256_set1_epi16(1));
      acc[r][0] = _mm256_fmadd_ps(_mm256_mul_ps(dw, d0), _mm256_cvtepi32_ps(p0), acc[r][0]);
      acc[r][1] = _mm256_fmadd_ps(_mm256_mul_ps(dw, d1), _mm256_cvtepi32_ps(p1), acc[r][1]);
    }
  }
  for (int r = 0; r < 4; r++) {
    out[r] = hsum(acc[r][0]);
    out[out_stride + r] = hsum(acc[r][1]);
  }
}

// Four Q8_0 rows against one activation row (decode): four weight streams in flight at once, the
// activation block loaded once, and one combined horizontal reduction for the four sums.
void rows4_q8_0(int64_t n, const uint8_t* w, int64_t w_stride, const uint8_t* x, float* out) {
  const int64_t blocks = n / kQK8_0;
  const auto* y = reinterpret_cast<const ActQ8_0*>(x);
  __m256 acc[4] = {_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps()};
  for (int64_t i = 0; i < blocks; i++) {
    const __m256i b = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(y[i].qs));
    const float dy = y[i].d;
    for (int r = 0; r < 4; r++) {
      const auto* block = reinterpret_cast<const BlockQ8_0*>(w + r * w_stride) + i;
      const __m256i qa = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(block->qs));
      acc[r] = _mm256_fmadd_ps(_mm256_set1_ps(half(block->d) * dy), _mm256_cvtepi32_ps(dot_i8(qa, b)), acc[r]);
    }
  }
  // transpose-and-add: lane r of the result is the sum of acc[r]
  const __m256 s01 = _mm256_hadd_ps(acc[0], acc[1]);
  const __m256 s23 = _mm256_hadd_ps(acc[2], acc[3]);
  const __m256 s = _mm256_hadd_ps(s01, s23);
  _mm_storeu_ps(out, _mm_add_ps(_mm256_castps256_ps128(s), _mm256_extractf128_ps(s, 1)));
}

void quantize_q8_0(const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8_0*>(out);
  for (int64_t i = 0; i < n / kQK8_0; i++) {
    const float* v = x + i * kQK8_0;
    const float amax = amax32(v, kQK8_0);
    blocks[i].d = amax / 127.0f;
    quantize32(v, amax != 0 ? 127.0f / amax : 0.0f, blocks[i].qs);
  }
}

void quantize_q8_k(const float* x, void* out, int64_t n) {
  auto* blocks = static_cast<ActQ8K*>(out);
  for (int64_t i = 0; i < n / kQK_K; i++) {
    const float* v = x + i * kQK_K;
    const float amax = amax32(v, kQK_K);
    blocks[i].d = amax / 127.0f;
    const float id = amax != 0 ? 127.0f / amax : 0.0f;
    for (int j = 0; j < kQK_K; j += 32) quantize32(v + j, id, blocks[i].qs + j);
    for (int g = 0; g < kQK_K / 16; g++) {
      const __m128i q = _mm_loadu_si128(reinterpret_cast<const __m128i*>(blocks[i].qs + 16 * g));
      const __m256i wide = _mm256_cvtepi8_epi16(q);
      __m128i s = _mm_add_epi16(_mm256_castsi256_si128(wide), _mm256_extracti128_si256(wide, 1));
      s = _mm_hadd_epi16(s, s);
      s = _mm_hadd_epi16(s, s);
      s = _mm_hadd_epi16(s, s);
      blocks[i].bsums[g] = static_cast<int16_t>(_mm_extract_epi16(s, 0));
    }
  }
}

}  // namespace xc::avx2

namespace xc {
const KernelTable* compiled_avx2_kernels() {
  static const KernelTable table{"avx2",          avx2::dot_f32,       avx2::dot_f16,  avx2::dot_bf16,
                                 avx2::dot_q8_0,  avx2::dot_q4_0,      avx2::dot_q4_k, avx2::dot_q6_k,
                                 avx2::quantize_q8_0, avx2::quantize_q8_k, avx2::dot_f16_f32, avx2::axpy_f16,
                                 avx2::dot_f32_f32, avx2::axpy_f32,    avx2::f32_to_f16,
                                 avx2::tile_q8_0_4x2, avx2::rows4_q8_0};
  return &table;
}
}  // namespace xc

#else

namespace xc {
const KernelTable* compiled_avx2_kernels() { return nullptr; }
}  // namespace xc

#endif
