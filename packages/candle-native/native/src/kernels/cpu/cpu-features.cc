#include "kernels/cpu/cpu-features.h"

#include <sched.h>

#include <fstream>
#include <set>
#include <string>
#include <thread>
#include <utility>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif

namespace xc {

namespace {

CpuFeatures detect() {
  CpuFeatures features;
#if defined(__x86_64__) || defined(__i386__)
  unsigned a = 0, b = 0, c = 0, d = 0;
  if (__get_cpuid(1, &a, &b, &c, &d) == 0) return features;
  const bool osxsave = (c & (1u << 27)) != 0;
  const bool avx = (c & (1u << 28)) != 0;
  features.fma = (c & (1u << 12)) != 0;
  features.f16c = (c & (1u << 29)) != 0;
  bool ymm_enabled = false;
  bool zmm_enabled = false;
  if (osxsave) {
    unsigned lo = 0, hi = 0;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    ymm_enabled = (lo & 6u) == 6u;
    zmm_enabled = (lo & 0xE6u) == 0xE6u;
  }
  if (__get_cpuid_count(7, 0, &a, &b, &c, &d) != 0) {
    features.avx2 = (b & (1u << 5)) != 0;
    // AVX512F (ebx 16), AVX512BW (ebx 30), AVX512VL (ebx 31), AVX512_VNNI (ecx 11)
    features.avx512 = zmm_enabled && (b & (1u << 16)) != 0 && (b & (1u << 30)) != 0 && (b & (1u << 31)) != 0 &&
                      (c & (1u << 11)) != 0;
  }
  if (!(avx && ymm_enabled)) features = CpuFeatures{};
#endif
  return features;
}

}  // namespace

const CpuFeatures& cpu_features() {
  static const CpuFeatures features = detect();
  return features;
}

int physical_core_count() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) != 0) {
    const unsigned n = std::thread::hardware_concurrency();
    return n > 0 ? static_cast<int>(n) : 1;
  }
  std::set<std::pair<std::string, std::string>> cores;
  int logical = 0;
  for (int cpu = 0; cpu < CPU_SETSIZE; cpu++) {
    if (!CPU_ISSET(cpu, &set)) continue;
    logical++;
    const std::string base = "/sys/devices/system/cpu/cpu" + std::to_string(cpu) + "/topology/";
    std::ifstream package(base + "physical_package_id");
    std::ifstream core(base + "core_id");
    std::string p, c;
    if (!(package >> p) || !(core >> c)) return logical > 0 ? CPU_COUNT(&set) : 1;
    cores.emplace(p, c);
  }
  return cores.empty() ? 1 : static_cast<int>(cores.size());
}

}  // namespace xc
