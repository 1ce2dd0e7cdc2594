#pragma once

#include <cstddef>
#include <cstdint>

#include "common/huge-page-mapping.h"

namespace xc {

// Private memory for the matrices re-laid at load: one anonymous mapping reserved up front (untouched
// pages cost nothing) and handed out in order. It asks for transparent huge pages, so the copy takes
// one fault per 2 MiB instead of one per 4 KiB page, and the decode loop, which streams every matrix
// once per token, walks far fewer TLB entries.
class WeightArena {
 public:
  WeightArena() = default;
  explicit WeightArena(size_t capacity);

  // `bytes` of fresh memory, 64-byte aligned; fails with XC_ERR_OUT_OF_MEMORY past the capacity.
  uint8_t* allocate(size_t bytes);
  size_t used() const { return used_; }

 private:
  HugePageMapping memory_;
  size_t used_ = 0;
};

}  // namespace xc
