#pragma once

#include <ctime>

namespace xch {

// This process's CPU seconds (all threads): steadier than wall-clock on a busy machine, exact
// per-core work with --threads 1 (with more threads it includes the pool's brief spinning).
inline double cpu_seconds() {
  timespec now{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
}

}  // namespace xch
