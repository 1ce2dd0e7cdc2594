#include "models/weight-arena.h"

#include <string>

#include "common/error.h"

namespace xc {

WeightArena::WeightArena(size_t capacity)
    : memory_(capacity, HugePageMapping::Reserve::kNoReserve, "re-laid weights") {}

uint8_t* WeightArena::allocate(size_t bytes) {
  const size_t capacity = memory_.size();
  const size_t begin = (used_ + 63) / 64 * 64;
  if (begin > capacity || bytes > capacity - begin) {
    fail(XC_ERR_OUT_OF_MEMORY, "re-laid weights need more than the " + std::to_string(capacity) + " bytes reserved");
  }
  used_ = begin + bytes;
  return memory_.data() + begin;
}

}  // namespace xc
