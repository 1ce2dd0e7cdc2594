#include "models/weight-arena.h"

#include <sys/mman.h>

#include <utility>

#include "common/error.h"

namespace xc {

namespace {

constexpr size_t kHugePage = size_t{2} << 20;

}  // namespace

WeightArena::WeightArena(size_t capacity) {
  if (capacity == 0) return;
  // One huge page extra, so the usable part can start on a huge-page boundary.
  mapped_ = (capacity + 2 * kHugePage - 1) / kHugePage * kHugePage;
  void* mapping = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (mapping == MAP_FAILED) fail(XC_ERR_OUT_OF_MEMORY, "out of memory reserving " + std::to_string(capacity) + " bytes for re-laid weights");
  mapping_ = mapping;
  const auto start = (reinterpret_cast<uintptr_t>(mapping) + kHugePage - 1) / kHugePage * kHugePage;
  base_ = reinterpret_cast<uint8_t*>(start);
  capacity_ = mapped_ - (start - reinterpret_cast<uintptr_t>(mapping));
#ifdef MADV_HUGEPAGE
  ::madvise(base_, capacity_, MADV_HUGEPAGE);  // advice only: without it the arena works on small pages
#endif
}

WeightArena::~WeightArena() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_);
}

WeightArena::WeightArena(WeightArena&& other) noexcept { *this = std::move(other); }

WeightArena& WeightArena::operator=(WeightArena&& other) noexcept {
  if (this != &other) {
    if (mapping_ != nullptr) ::munmap(mapping_, mapped_);
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapped_ = std::exchange(other.mapped_, 0);
    base_ = std::exchange(other.base_, nullptr);
    capacity_ = std::exchange(other.capacity_, 0);
    used_ = std::exchange(other.used_, 0);
  }
  return *this;
}

uint8_t* WeightArena::allocate(size_t bytes) {
  const size_t begin = (used_ + 63) / 64 * 64;
  if (begin > capacity_ || bytes > capacity_ - begin) {
    fail(XC_ERR_OUT_OF_MEMORY, "re-laid weights need more than the " + std::to_string(capacity_) + " bytes reserved");
  }
  used_ = begin + bytes;
  return base_ + begin;
}

}  // namespace xc
