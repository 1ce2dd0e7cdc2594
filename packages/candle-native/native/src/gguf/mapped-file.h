#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

namespace xc {

// A read-only memory map of a whole file; pages load on first touch, so resident memory is what
// the forward pass reads.
class MappedFile {
 public:
  explicit MappedFile(const std::string& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const uint8_t* data() const { return data_; }
  size_t size() const { return size_; }
  // Drops the resident pages wholly inside [begin, begin + bytes) (a copy of them lives elsewhere
  // now); touching them again reads them back from the file.
  void release(const uint8_t* begin, size_t bytes) const;

 private:
  const uint8_t* data_ = nullptr;
  size_t size_ = 0;
};

}  // namespace xc
