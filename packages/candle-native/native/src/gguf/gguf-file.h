#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "gguf/ggml-type.h"
#include "gguf/mapped-file.h"

namespace xc {

enum class GgufValueType : uint32_t {
  U8 = 0, I8 = 1, U16 = 2, I16 = 3, U32 = 4, I32 = 5, F32 = 6, BOOL = 7,
  STRING = 8, ARRAY = 9, U64 = 10, I64 = 11, F64 = 12,
};

// One metadata value. Arrays are not decoded: the engine only needs their length and, for
// per-layer numbers, their elements (read on demand through GgufFile::array_number).
struct GgufValue {
  GgufValueType type = GgufValueType::U8;
  double number = 0;  // every numeric and bool scalar
  std::string_view text;
  GgufValueType element_type = GgufValueType::U8;
  uint64_t count = 0;
  uint64_t offset = 0;  // of the value (arrays: of the first element)
};

struct GgufTensor {
  std::string name;
  std::vector<int64_t> shape;  // ggml order: shape[0] varies fastest
  GgmlType type = GgmlType::F32;
  uint64_t offset = 0;  // absolute, in the file
  uint64_t bytes = 0;
  int64_t info_offset = 0;
  const uint8_t* data = nullptr;
  int64_t elements() const;
};

// A parsed GGUF file over a memory map. Every length is checked against the bytes left, so a
// truncated or corrupt file throws Error(XC_ERR_FORMAT, …, offset) instead of reading past the end.
class GgufFile {
 public:
  explicit GgufFile(const std::string& path);

  const std::map<std::string, GgufValue, std::less<>>& metadata() const { return metadata_; }
  const GgufValue* find(std::string_view key) const;
  const GgufTensor* tensor(std::string_view name) const;
  const std::vector<GgufTensor>& tensors() const { return tensors_; }
  double array_number(const GgufValue& value, uint64_t index) const;
  const std::string& path() const { return path_; }
  uint32_t version() const { return version_; }
  // See MappedFile::release.
  void release(const uint8_t* begin, size_t bytes) const { file_->release(begin, bytes); }

 private:
  std::string path_;
  std::unique_ptr<MappedFile> file_;
  uint32_t version_ = 0;
  std::map<std::string, GgufValue, std::less<>> metadata_;
  std::vector<GgufTensor> tensors_;
  std::map<std::string, size_t, std::less<>> tensor_index_;
};

}  // namespace xc
