// xcandle-harness membw / int8peak / fmapeak: the machine's limits, measured in the run that reports a share of them.
//   membw:    N threads stream-read one buffer far larger than the last-level cache; median of the passes.
//   int8peak: N threads run independent int8 dot-product chains that never leave the registers.
//   fmapeak:  the same with f32 fused multiply-adds, the arithmetic of float (F16/BF16/F32) weights.
#include "machine-probes.h"

#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

#include "kernels/cpu/cpu-features.h"

namespace xch {

namespace {

using Clock = std::chrono::steady_clock;

// Runs `work(thread)` on `threads` threads started together and returns the wall time of the slowest,
// so a pass counts from the first byte read to the last one.
double timed_parallel(int threads, const std::function<void(int)>& work) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; t++) {
    pool.emplace_back([&, t] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) std::this_thread::yield();
      work(t);
    });
  }
  while (ready.load() < threads - 1) std::this_thread::yield();
  const auto start = Clock::now();
  go.store(true, std::memory_order_release);
  work(0);
  for (auto& thread : pool) thread.join();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// [begin, end) of `n` items for thread `t` of `threads`, in whole 4 KiB pages.
std::pair<size_t, size_t> slice(size_t n, int t, int threads) {
  const size_t pages = n / 4096;
  return {pages * t / threads * 4096, pages * (t + 1) / threads * 4096};
}

#if defined(__x86_64__) || defined(__i386__)
__attribute__((target("avx2"))) uint64_t sum_bytes_avx2(const uint8_t* data, size_t n) {
  // Four independent accumulators keep the loads, not the adds, the limit.
  __m256i a = _mm256_setzero_si256(), b = a, c = a, d = a;
  const __m256i zero = _mm256_setzero_si256();
  for (size_t i = 0; i < n; i += 128) {
    a = _mm256_add_epi64(a, _mm256_sad_epu8(_mm256_load_si256(reinterpret_cast<const __m256i*>(data + i)), zero));
    b = _mm256_add_epi64(b, _mm256_sad_epu8(_mm256_load_si256(reinterpret_cast<const __m256i*>(data + i + 32)), zero));
    c = _mm256_add_epi64(c, _mm256_sad_epu8(_mm256_load_si256(reinterpret_cast<const __m256i*>(data + i + 64)), zero));
    d = _mm256_add_epi64(d, _mm256_sad_epu8(_mm256_load_si256(reinterpret_cast<const __m256i*>(data + i + 96)), zero));
  }
  alignas(32) uint64_t lanes[4];
  _mm256_store_si256(reinterpret_cast<__m256i*>(lanes),
                     _mm256_add_epi64(_mm256_add_epi64(a, b), _mm256_add_epi64(c, d)));
  return lanes[0] + lanes[1] + lanes[2] + lanes[3];
}

__attribute__((target("avx512f,avx512bw"))) uint64_t sum_bytes_avx512(const uint8_t* data, size_t n) {
  // Four 64-byte loads per 256 bytes in flight per iteration: on AVX-512 CPUs a core can issue more
  // bytes per cycle than with 32-byte loads, so the probe is not the narrower pipe.
  __m512i a = _mm512_setzero_si512(), b = a, c = a, d = a;
  const __m512i zero = _mm512_setzero_si512();
  for (size_t i = 0; i < n; i += 256) {
    a = _mm512_add_epi64(a, _mm512_sad_epu8(_mm512_load_si512(data + i), zero));
    b = _mm512_add_epi64(b, _mm512_sad_epu8(_mm512_load_si512(data + i + 64), zero));
    c = _mm512_add_epi64(c, _mm512_sad_epu8(_mm512_load_si512(data + i + 128), zero));
    d = _mm512_add_epi64(d, _mm512_sad_epu8(_mm512_load_si512(data + i + 192), zero));
  }
  alignas(64) uint64_t lanes[8];
  _mm512_store_si512(lanes, _mm512_add_epi64(_mm512_add_epi64(a, b), _mm512_add_epi64(c, d)));
  uint64_t sum = 0;
  for (uint64_t lane : lanes) sum += lane;
  return sum;
}
#endif

// The slow twin, and the path on CPUs without AVX2.
uint64_t sum_bytes_scalar(const uint8_t* data, size_t n) {
  uint64_t sum = 0;
  for (size_t i = 0; i < n; i += 8) {
    uint64_t word;
    std::memcpy(&word, data + i, 8);
    for (int k = 0; k < 8; k++) sum += (word >> (8 * k)) & 0xFF;
  }
  return sum;
}

uint64_t sum_bytes(const uint8_t* data, size_t n) {
#if defined(__x86_64__) || defined(__i386__)
  if (xc::cpu_features().avx512) return sum_bytes_avx512(data, n);
  if (xc::cpu_features().avx2) return sum_bytes_avx2(data, n);
#endif
  return sum_bytes_scalar(data, n);
}

// One chain is a multiply-add whose result feeds the next; 16 chains hide the instruction's latency.
constexpr int kChains = 16;

#if defined(__x86_64__) || defined(__i386__)
// Each vpdpbusd: 64 u8×s8 products summed into 16 int32 lanes. Returns the sum of every lane.
__attribute__((target("avx512f,avx512bw,avx512vnni"))) int64_t vnni_chains(const int8_t* a_bytes, const int8_t* b_bytes,
                                                                            int64_t rounds) {
  const __m512i a = _mm512_set1_epi32(*reinterpret_cast<const int32_t*>(a_bytes));
  const __m512i b = _mm512_set1_epi32(*reinterpret_cast<const int32_t*>(b_bytes));
  // 16 named accumulators (an array would live on the stack)
  __m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  __m512i c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
  for (int64_t r = 0; r < rounds; r++) {
    c0 = _mm512_dpbusd_epi32(c0, a, b), c1 = _mm512_dpbusd_epi32(c1, a, b);
    c2 = _mm512_dpbusd_epi32(c2, a, b), c3 = _mm512_dpbusd_epi32(c3, a, b);
    c4 = _mm512_dpbusd_epi32(c4, a, b), c5 = _mm512_dpbusd_epi32(c5, a, b);
    c6 = _mm512_dpbusd_epi32(c6, a, b), c7 = _mm512_dpbusd_epi32(c7, a, b);
    c8 = _mm512_dpbusd_epi32(c8, a, b), c9 = _mm512_dpbusd_epi32(c9, a, b);
    c10 = _mm512_dpbusd_epi32(c10, a, b), c11 = _mm512_dpbusd_epi32(c11, a, b);
    c12 = _mm512_dpbusd_epi32(c12, a, b), c13 = _mm512_dpbusd_epi32(c13, a, b);
    c14 = _mm512_dpbusd_epi32(c14, a, b), c15 = _mm512_dpbusd_epi32(c15, a, b);
    // keeps the compiler from folding the rounds into one multiply
    __asm__ volatile("" : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7));
    __asm__ volatile("" : "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(c12), "+v"(c13), "+v"(c14), "+v"(c15));
  }
  const __m512i acc[kChains] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15};
  // each lane holds rounds × one 4-byte dot: summed in 64 bits
  int64_t sum = 0;
  alignas(64) int32_t lanes[16];
  for (const __m512i& value : acc) {
    _mm512_store_si512(lanes, value);
    for (int32_t lane : lanes) sum += lane;
  }
  return sum;
}

__attribute__((target("avx2"), always_inline)) inline __m256i maddubs_step(__m256i c, __m256i a, __m256i b,
                                                                        __m256i ones) {
  return _mm256_add_epi32(c, _mm256_madd_epi16(_mm256_maddubs_epi16(a, b), ones));
}

// AVX2 without VNNI: vpmaddubsw (32 u8×s8 products into 16 int16 pairs) then vpmaddwd by ones into int32.
__attribute__((target("avx2"))) int64_t maddubs_chains(const int8_t* a_bytes, const int8_t* b_bytes, int64_t rounds) {
  const __m256i a = _mm256_set1_epi32(*reinterpret_cast<const int32_t*>(a_bytes));
  const __m256i b = _mm256_set1_epi32(*reinterpret_cast<const int32_t*>(b_bytes));
  const __m256i ones = _mm256_set1_epi16(1);
  __m256i c0 = _mm256_setzero_si256(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  for (int64_t r = 0; r < rounds; r++) {
    c0 = maddubs_step(c0, a, b, ones), c1 = maddubs_step(c1, a, b, ones), c2 = maddubs_step(c2, a, b, ones);
    c3 = maddubs_step(c3, a, b, ones), c4 = maddubs_step(c4, a, b, ones), c5 = maddubs_step(c5, a, b, ones);
    c6 = maddubs_step(c6, a, b, ones), c7 = maddubs_step(c7, a, b, ones);
    __asm__ volatile("" : "+x"(c0), "+x"(c1), "+x"(c2), "+x"(c3), "+x"(c4), "+x"(c5), "+x"(c6), "+x"(c7));
  }
  const __m256i acc[kChains / 2] = {c0, c1, c2, c3, c4, c5, c6, c7};
  int64_t sum = 0;
  alignas(32) int32_t lanes[8];
  for (const __m256i& value : acc) {
    _mm256_store_si256(reinterpret_cast<__m256i*>(lanes), value);
    for (int32_t lane : lanes) sum += lane;
  }
  return sum;
}

// Each vfmadd231ps zmm: 16 f32 multiply-adds. The operands are 0.5 and 0.25, so every lane holds
// rounds × 0.125 exactly (below 2^24 eighths); the sum comes back in eighths.
__attribute__((target("avx512f"))) int64_t fma_chains_avx512(int64_t rounds) {
  const __m512 a = _mm512_set1_ps(0.5f), b = _mm512_set1_ps(0.25f);
  __m512 c0 = _mm512_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  __m512 c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
  for (int64_t r = 0; r < rounds; r++) {
    c0 = _mm512_fmadd_ps(a, b, c0), c1 = _mm512_fmadd_ps(a, b, c1), c2 = _mm512_fmadd_ps(a, b, c2);
    c3 = _mm512_fmadd_ps(a, b, c3), c4 = _mm512_fmadd_ps(a, b, c4), c5 = _mm512_fmadd_ps(a, b, c5);
    c6 = _mm512_fmadd_ps(a, b, c6), c7 = _mm512_fmadd_ps(a, b, c7), c8 = _mm512_fmadd_ps(a, b, c8);
    c9 = _mm512_fmadd_ps(a, b, c9), c10 = _mm512_fmadd_ps(a, b, c10), c11 = _mm512_fmadd_ps(a, b, c11);
    c12 = _mm512_fmadd_ps(a, b, c12), c13 = _mm512_fmadd_ps(a, b, c13), c14 = _mm512_fmadd_ps(a, b, c14);
    c15 = _mm512_fmadd_ps(a, b, c15);
    __asm__ volatile("" : "+v"(c0), "+v"(c1), "+v"(c2), "+v"(c3), "+v"(c4), "+v"(c5), "+v"(c6), "+v"(c7));
    __asm__ volatile("" : "+v"(c8), "+v"(c9), "+v"(c10), "+v"(c11), "+v"(c12), "+v"(c13), "+v"(c14), "+v"(c15));
  }
  const __m512 acc[kChains] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15};
  int64_t eighths = 0;
  alignas(64) float lanes[16];
  for (const __m512& value : acc) {
    _mm512_store_ps(lanes, value);
    for (float lane : lanes) eighths += static_cast<int64_t>(lane * 8);
  }
  return eighths;
}

// AVX2 + FMA: 8 f32 multiply-adds per vfmadd231ps ymm, 16 chains as on AVX-512.
__attribute__((target("avx2,fma"))) int64_t fma_chains_avx2(int64_t rounds) {
  const __m256 a = _mm256_set1_ps(0.5f), b = _mm256_set1_ps(0.25f);
  __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
  __m256 c8 = c0, c9 = c0, c10 = c0, c11 = c0, c12 = c0, c13 = c0, c14 = c0, c15 = c0;
  for (int64_t r = 0; r < rounds; r++) {
    c0 = _mm256_fmadd_ps(a, b, c0), c1 = _mm256_fmadd_ps(a, b, c1), c2 = _mm256_fmadd_ps(a, b, c2);
    c3 = _mm256_fmadd_ps(a, b, c3), c4 = _mm256_fmadd_ps(a, b, c4), c5 = _mm256_fmadd_ps(a, b, c5);
    c6 = _mm256_fmadd_ps(a, b, c6), c7 = _mm256_fmadd_ps(a, b, c7), c8 = _mm256_fmadd_ps(a, b, c8);
    c9 = _mm256_fmadd_ps(a, b, c9), c10 = _mm256_fmadd_ps(a, b, c10), c11 = _mm256_fmadd_ps(a, b, c11);
    c12 = _mm256_fmadd_ps(a, b, c12), c13 = _mm256_fmadd_ps(a, b, c13), c14 = _mm256_fmadd_ps(a, b, c14);
    c15 = _mm256_fmadd_ps(a, b, c15);
    __asm__ volatile("" : "+x"(c0), "+x"(c1), "+x"(c2), "+x"(c3), "+x"(c4), "+x"(c5), "+x"(c6), "+x"(c7));
    __asm__ volatile("" : "+x"(c8), "+x"(c9), "+x"(c10), "+x"(c11), "+x"(c12), "+x"(c13), "+x"(c14), "+x"(c15));
  }
  const __m256 acc[kChains] = {c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10, c11, c12, c13, c14, c15};
  int64_t eighths = 0;
  alignas(32) float lanes[8];
  for (const __m256& value : acc) {
    _mm256_store_ps(lanes, value);
    for (float lane : lanes) eighths += static_cast<int64_t>(lane * 8);
  }
  return eighths;
}
#endif

// A probe's inner loop: `rounds` rounds over every chain, returning the sum its check expects.
struct PeakKernel {
  const char* instruction = nullptr;
  int macs_per_round = 0;  // multiply-adds of one round over every chain
  int64_t (*run)(int64_t rounds) = nullptr;
  int64_t expected_per_round = 0;  // the returned sum grows by this each round
};

// One lane's 4-byte dot product of the int8 probe's operands; every product of every round is this.
constexpr uint8_t kA[4] = {3, 5, 7, 9};
constexpr int8_t kB[4] = {-2, 4, -6, 1};
constexpr int64_t kDot4 = 3 * -2 + 5 * 4 + 7 * -6 + 9 * 1;

#if defined(__x86_64__) || defined(__i386__)
int64_t vnni_rounds(int64_t rounds) {
  int8_t a[4], b[4];
  std::memcpy(a, kA, 4);
  std::memcpy(b, kB, 4);
  return vnni_chains(a, b, rounds);
}
int64_t maddubs_rounds(int64_t rounds) {
  int8_t a[4], b[4];
  std::memcpy(a, kA, 4);
  std::memcpy(b, kB, 4);
  return maddubs_chains(a, b, rounds);
}
#endif

PeakKernel int8_kernel() {
#if defined(__x86_64__) || defined(__i386__)
  if (xc::cpu_features().avx512) return {"vpdpbusd zmm, AVX-512 VNNI", 64 * kChains, vnni_rounds, kDot4 * 16 * kChains};
  if (xc::cpu_features().avx2) return {"vpmaddubsw+vpmaddwd ymm, AVX2", 32 * (kChains / 2), maddubs_rounds, kDot4 * 8 * (kChains / 2)};
#endif
  return {};
}

// Each lane gains 0.5 × 0.25 = one eighth a round.
PeakKernel fma_kernel() {
#if defined(__x86_64__) || defined(__i386__)
  if (xc::cpu_features().avx512) return {"vfmadd231ps zmm, AVX-512F", 16 * kChains, fma_chains_avx512, 16 * kChains};
  if (xc::cpu_features().avx2) return {"vfmadd231ps ymm, AVX2+FMA", 8 * kChains, fma_chains_avx2, 8 * kChains};
#endif
  return {};
}

int thread_option(int argc, char** argv, int first) {
  int threads = 0;
  for (int i = first; i < argc; i++) {
    if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) threads = std::atoi(argv[++i]);
    else return -1;
  }
  return threads > 0 ? threads : xc::physical_core_count();
}

// The best of `passes` passes: on a busy machine some pass runs without being preempted.
ArithmeticPeak measure_peak(const PeakKernel& kernel, int threads, int64_t rounds, int passes) {
  ArithmeticPeak result;
  if (kernel.run == nullptr) return result;
  result.instruction = kernel.instruction;
  std::vector<int64_t> sums(static_cast<size_t>(threads));
  result.every_product_counted = true;
  for (int pass = 0; pass < passes; pass++) {
    const double seconds = timed_parallel(threads, [&](int t) { sums[static_cast<size_t>(t)] = kernel.run(rounds); });
    for (int64_t sum : sums) result.every_product_counted &= sum == kernel.expected_per_round * rounds;
    const double macs = static_cast<double>(kernel.macs_per_round) * rounds * threads;
    result.gmacs_per_second = std::max(result.gmacs_per_second, macs / seconds / 1e9);
  }
  return result;
}

}  // namespace

MemoryBandwidth measure_read_bandwidth(int threads, size_t bytes, int passes) {
  if (passes < 1) passes = 1;
  constexpr size_t kHugePage = size_t{2} << 20;
  bytes = std::max(kHugePage, bytes / kHugePage * kHugePage);
  auto deleter = [](uint8_t* p) { std::free(p); };
  std::unique_ptr<uint8_t, decltype(deleter)> buffer(static_cast<uint8_t*>(std::aligned_alloc(kHugePage, bytes)),
                                                     deleter);
  if (!buffer) throw std::runtime_error("membw: cannot allocate " + std::to_string(bytes >> 20) + " MiB");
  uint8_t* data = buffer.get();
  // Huge pages where the kernel allows them: 512× fewer page faults while filling, fewer TLB misses while reading.
  madvise(data, bytes, MADV_HUGEPAGE);
  // Each thread touches its own slice first, so its pages sit near the core that reads them.
  timed_parallel(threads, [&](int t) {
    const auto [begin, end] = slice(bytes, t, threads);
    for (size_t i = begin; i < begin + 4096 && i < end; i++) data[i] = static_cast<uint8_t>(i * 131 + 7);
    for (size_t page = begin + 4096; page < end; page += 4096) std::memcpy(data + page, data + begin, 4096);
  });
  uint64_t expected = 0;
  for (size_t i = 0; i < 256; i++) expected += static_cast<uint8_t>(i * 131 + 7);
  expected *= bytes / 256;

  MemoryBandwidth result;
  result.every_byte_read = true;
  std::vector<uint64_t> sums(static_cast<size_t>(threads));
  std::vector<double> rates;
  for (int pass = 0; pass < passes; pass++) {
    const double seconds = timed_parallel(threads, [&](int t) {
      const auto [begin, end] = slice(bytes, t, threads);
      sums[static_cast<size_t>(t)] = sum_bytes(data + begin, end - begin);
    });
    uint64_t total = 0;
    for (uint64_t sum : sums) total += sum;
    result.every_byte_read &= total == expected;
    rates.push_back(static_cast<double>(bytes) / seconds / 1e9);
  }
  std::sort(rates.begin(), rates.end());
  result.gb_per_second = rates.size() % 2 == 1 ? rates[rates.size() / 2] : (rates[rates.size() / 2 - 1] + rates[rates.size() / 2]) / 2;
  result.best_gb_per_second = rates.back();
  result.slowest_gb_per_second = rates.front();
  result.passes = passes;
  result.bytes = bytes;
  return result;
}

size_t membw_buffer_bytes() {
  // 4× the last-level cache the OS reports, within [256 MiB, 1 GiB] (VMs may report the host's whole L3)
  const long cache = sysconf(_SC_LEVEL3_CACHE_SIZE);
  return std::clamp<size_t>(cache > 0 ? static_cast<size_t>(cache) * 4 : 0, size_t{256} << 20, size_t{1} << 30);
}

ArithmeticPeak measure_int8_peak(int threads, int64_t rounds, int passes) {
  return measure_peak(int8_kernel(), threads, rounds, passes);
}

ArithmeticPeak measure_fma_peak(int threads, int64_t rounds, int passes) {
  return measure_peak(fma_kernel(), threads, rounds, passes);
}

int run_membw(int argc, char** argv) {
  const int threads = thread_option(argc, argv, 2);
  if (threads < 1) {
    std::fprintf(stderr, "usage: xcandle-harness membw [--threads N]\n");
    return 2;
  }
  const MemoryBandwidth bandwidth = measure_read_bandwidth(threads, membw_buffer_bytes(), kMembwPasses);
  if (!bandwidth.every_byte_read) {
    std::fprintf(stderr, "membw: the sum of the bytes read is wrong\n");
    return 1;
  }
  std::printf("read bandwidth %.1f GB/s\n", bandwidth.gb_per_second);
  std::fprintf(stderr, "membw: median of %d passes over %zu MiB with %d threads; passes %.1f–%.1f GB/s\n", bandwidth.passes,
               bandwidth.bytes >> 20, threads, bandwidth.slowest_gb_per_second, bandwidth.best_gb_per_second);
  return 0;
}

namespace {

// `<name> [--threads N]`: prints `<label> <GMAC/s> GMAC/s (<instruction>)`.
int run_peak(int argc, char** argv, const char* name, const char* label,
             ArithmeticPeak (*measure)(int, int64_t, int)) {
  const int threads = thread_option(argc, argv, 2);
  if (threads < 1) {
    std::fprintf(stderr, "usage: xcandle-harness %s [--threads N]\n", name);
    return 2;
  }
  const ArithmeticPeak peak = measure(threads, 1'000'000, 30);
  if (peak.instruction == nullptr) {
    std::fprintf(stderr, "%s: this CPU has neither AVX-512 nor AVX2\n", name);
    return 1;
  }
  if (!peak.every_product_counted) {
    std::fprintf(stderr, "%s: the multiply-adds summed to the wrong total\n", name);
    return 1;
  }
  std::printf("%s %.1f GMAC/s (%s)\n", label, peak.gmacs_per_second, peak.instruction);
  return 0;
}

}  // namespace

int run_int8peak(int argc, char** argv) { return run_peak(argc, argv, "int8peak", "int8 peak", measure_int8_peak); }

int run_fmapeak(int argc, char** argv) { return run_peak(argc, argv, "fmapeak", "f32 FMA peak", measure_fma_peak); }

void run_machine_checks(Checker& check) {
  // Small versions of both probes: right answers, and numbers inside what any CPU of today can do.
  const MemoryBandwidth bandwidth = measure_read_bandwidth(2, size_t{64} << 20, 2);
  check.expect(bandwidth.every_byte_read, "membw reads every byte once");
  check.expect(bandwidth.passes == 2 && bandwidth.slowest_gb_per_second <= bandwidth.gb_per_second &&
                   bandwidth.gb_per_second <= bandwidth.best_gb_per_second,
               "membw's median lies between its slowest and best pass");
  check.expect(bandwidth.gb_per_second > 0.1 && bandwidth.gb_per_second < 10'000, "membw is positive and sane",
               number(bandwidth.gb_per_second) + " GB/s");
  const ArithmeticPeak int8 = measure_int8_peak(2, 200'000, 2);
  if (int8.instruction != nullptr) {
    check.expect(int8.every_product_counted, "int8peak counts every product");
    // at most 4 such instructions a cycle at 6 GHz per thread
    const double ceiling = 2 * 4 * 64 * 6.0;
    check.expect(int8.gmacs_per_second > 0.1 && int8.gmacs_per_second < ceiling, "int8peak is positive and sane",
                 number(int8.gmacs_per_second) + " GMAC/s (" + int8.instruction + ")");
  }
  const ArithmeticPeak fma = measure_fma_peak(2, 200'000, 2);
  if (fma.instruction != nullptr) {
    check.expect(fma.every_product_counted, "fmapeak counts every multiply-add");
    const double ceiling = 2 * 4 * 16 * 6.0;
    check.expect(fma.gmacs_per_second > 0.1 && fma.gmacs_per_second < ceiling, "fmapeak is positive and sane",
                 number(fma.gmacs_per_second) + " GMAC/s (" + fma.instruction + ")");
  }
}

}  // namespace xch
