#pragma once

#include <cstddef>
#include <cstdint>

#include "check.h"

namespace xch {

// 1e9 bytes per second. The median pass is the figure to quote: the best pass swung 44–62 GB/s between
// quiet runs on a shared VM, the median of a run's passes much less.
struct MemoryBandwidth {
  double gb_per_second = 0;  // median pass
  double best_gb_per_second = 0;
  double slowest_gb_per_second = 0;
  int passes = 0;
  size_t bytes = 0;  // the buffer read each pass
  bool every_byte_read = false;
};

// Passes of `xcandle-harness membw` (and of the bench's own probe).
constexpr int kMembwPasses = 15;

// The int8 or f32 multiply-add rate of independent chains in registers.
struct ArithmeticPeak {
  double gmacs_per_second = 0;  // best pass, 1e9 multiply-adds per second
  const char* instruction = nullptr;  // null when the CPU has none of the probed instruction sets
  bool every_product_counted = false;
};

// `threads` threads read a `bytes` buffer (whole pages) `passes` times.
MemoryBandwidth measure_read_bandwidth(int threads, size_t bytes, int passes);
// The buffer `membw` reads: 4× the last-level cache the OS reports, within [256 MiB, 1 GiB].
size_t membw_buffer_bytes();
// `threads` threads run `rounds` rounds of independent int8 dot-product chains, `passes` times.
ArithmeticPeak measure_int8_peak(int threads, int64_t rounds, int passes);
// The same with f32 FMAs (vfmadd231ps), what float weights multiply with.
ArithmeticPeak measure_fma_peak(int threads, int64_t rounds, int passes);

// xcandle-harness membw [--threads N]: prints `read bandwidth <GB/s> GB/s`.
int run_membw(int argc, char** argv);
// xcandle-harness int8peak [--threads N]: prints `int8 peak <GMAC/s> GMAC/s (<instruction>)`.
int run_int8peak(int argc, char** argv);
// xcandle-harness fmapeak [--threads N]: prints `f32 FMA peak <GMAC/s> GMAC/s (<instruction>)`.
int run_fmapeak(int argc, char** argv);
// The probes, small: right sums and sane numbers (part of `xcandle-harness test`).
void run_machine_checks(Checker& check);

}  // namespace xch
