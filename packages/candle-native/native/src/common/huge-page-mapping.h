#pragma once

#include <cstddef>
#include <cstdint>

namespace xc {

constexpr size_t kHugePageBytes = size_t{2} << 20;

// Anonymous private memory whose usable range starts on a 2 MiB boundary and is advised as transparent
// huge pages: one fault per 2 MiB instead of one per 4 KiB when it is first written, and far fewer TLB
// entries when it is streamed. The advice is only advice: without it the memory works on small pages.
// One huge page more than asked is mapped so the start can be aligned. Move-only; unmapped when it goes.
class HugePageMapping {
 public:
  enum class Reserve { kCommit, kNoReserve };

  HugePageMapping() = default;
  // At least `bytes` usable bytes (rounded up to whole huge pages). With kNoReserve untouched pages are
  // not counted against the system's commit limit. Fails with XC_ERR_OUT_OF_MEMORY, naming `purpose`.
  HugePageMapping(size_t bytes, Reserve reserve, const char* purpose);
  ~HugePageMapping();
  HugePageMapping(HugePageMapping&& other) noexcept;
  HugePageMapping& operator=(HugePageMapping&& other) noexcept;
  HugePageMapping(const HugePageMapping&) = delete;
  HugePageMapping& operator=(const HugePageMapping&) = delete;

  uint8_t* data() const { return data_; }
  size_t size() const { return size_; }

 private:
  void unmap();

  void* mapping_ = nullptr;
  size_t mapped_ = 0;
  uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace xc
