#pragma once

namespace xc {

struct CpuFeatures {
  bool avx2 = false;
  bool fma = false;
  bool f16c = false;
  bool avx512 = false;  // F, BW, VL and VNNI, with the OS saving the zmm state
};

// Read once from cpuid (and the OS's saved-register support for AVX state).
const CpuFeatures& cpu_features();
// Physical cores (not hyperthreads) available to this process; at least 1.
int physical_core_count();

}  // namespace xc
