#include "common/huge-page-mapping.h"

#include <sys/mman.h>

#include <string>
#include <utility>

#include "common/error.h"

namespace xc {

namespace {

size_t round_up(size_t bytes, size_t to) { return (bytes + to - 1) / to * to; }

}  // namespace

HugePageMapping::HugePageMapping(size_t bytes, Reserve reserve, const char* purpose) {
  if (bytes == 0) return;
  size_ = round_up(bytes, kHugePageBytes);
  mapped_ = size_ + kHugePageBytes;
  const int flags = MAP_PRIVATE | MAP_ANONYMOUS | (reserve == Reserve::kNoReserve ? MAP_NORESERVE : 0);
  void* mapping = ::mmap(nullptr, mapped_, PROT_READ | PROT_WRITE, flags, -1, 0);
  if (mapping == MAP_FAILED) {
    size_ = mapped_ = 0;
    fail(XC_ERR_OUT_OF_MEMORY, "cannot map " + std::to_string(bytes) + " bytes for " + purpose);
  }
  mapping_ = mapping;
  data_ = reinterpret_cast<uint8_t*>(round_up(reinterpret_cast<uintptr_t>(mapping), kHugePageBytes));
#ifdef MADV_HUGEPAGE
  ::madvise(data_, size_, MADV_HUGEPAGE);
#endif
}

HugePageMapping::~HugePageMapping() { unmap(); }

HugePageMapping::HugePageMapping(HugePageMapping&& other) noexcept { *this = std::move(other); }

HugePageMapping& HugePageMapping::operator=(HugePageMapping&& other) noexcept {
  if (this != &other) {
    unmap();
    mapping_ = std::exchange(other.mapping_, nullptr);
    mapped_ = std::exchange(other.mapped_, 0);
    data_ = std::exchange(other.data_, nullptr);
    size_ = std::exchange(other.size_, 0);
  }
  return *this;
}

void HugePageMapping::unmap() {
  if (mapping_ != nullptr) ::munmap(mapping_, mapped_);
  mapping_ = nullptr;
}

}  // namespace xc
