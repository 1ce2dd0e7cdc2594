#include "gguf/gguf-file.h"

#include <cstring>

#include "common/error.h"

namespace xc {

namespace {

constexpr uint64_t kMaxDims = 4;

size_t scalar_size(GgufValueType type) {
  switch (type) {
    case GgufValueType::U8: case GgufValueType::I8: case GgufValueType::BOOL: return 1;
    case GgufValueType::U16: case GgufValueType::I16: return 2;
    case GgufValueType::U32: case GgufValueType::I32: case GgufValueType::F32: return 4;
    case GgufValueType::U64: case GgufValueType::I64: case GgufValueType::F64: return 8;
    default: return 0;
  }
}

// Reads little-endian fields from [data, data + size); every read checks what is left.
class Cursor {
 public:
  Cursor(const uint8_t* data, uint64_t size) : data_(data), size_(size) {}
  uint64_t position() const { return position_; }

  void need(uint64_t bytes, const char* what) const {
    if (bytes > size_ - position_) {
      fail(XC_ERR_FORMAT,
           std::string("truncated GGUF: ") + what + " needs " + std::to_string(bytes) + " bytes at offset " +
               std::to_string(position_) + ", " + std::to_string(size_ - position_) + " left",
           static_cast<int64_t>(position_));
    }
  }
  template <typename T>
  T read(const char* what) {
    need(sizeof(T), what);
    T value;
    std::memcpy(&value, data_ + position_, sizeof(T));
    position_ += sizeof(T);
    return value;
  }
  std::string_view string(const char* what) {
    const uint64_t length = read<uint64_t>(what);
    need(length, what);
    std::string_view text(reinterpret_cast<const char*>(data_ + position_), length);
    position_ += length;
    return text;
  }
  void skip(uint64_t bytes, const char* what) {
    need(bytes, what);
    position_ += bytes;
  }

 private:
  const uint8_t* data_;
  uint64_t size_;
  uint64_t position_ = 0;
};

double read_number(Cursor& cursor, GgufValueType type) {
  switch (type) {
    case GgufValueType::U8: return cursor.read<uint8_t>("u8");
    case GgufValueType::I8: return cursor.read<int8_t>("i8");
    case GgufValueType::U16: return cursor.read<uint16_t>("u16");
    case GgufValueType::I16: return cursor.read<int16_t>("i16");
    case GgufValueType::U32: return cursor.read<uint32_t>("u32");
    case GgufValueType::I32: return cursor.read<int32_t>("i32");
    case GgufValueType::F32: return cursor.read<float>("f32");
    case GgufValueType::BOOL: return cursor.read<uint8_t>("bool") != 0 ? 1 : 0;
    case GgufValueType::U64: return static_cast<double>(cursor.read<uint64_t>("u64"));
    case GgufValueType::I64: return static_cast<double>(cursor.read<int64_t>("i64"));
    case GgufValueType::F64: return cursor.read<double>("f64");
    default: return 0;
  }
}

GgufValue read_value(Cursor& cursor, GgufValueType type, const std::string& key) {
  GgufValue value;
  value.type = type;
  value.offset = cursor.position();
  if (type == GgufValueType::STRING) {
    value.text = cursor.string("string value");
  } else if (type == GgufValueType::ARRAY) {
    const uint32_t element = cursor.read<uint32_t>("array type");
    value.element_type = static_cast<GgufValueType>(element);
    value.count = cursor.read<uint64_t>("array length");
    value.offset = cursor.position();
    if (value.element_type == GgufValueType::STRING) {
      for (uint64_t i = 0; i < value.count; i++) cursor.string("array string");
    } else if (value.element_type == GgufValueType::ARRAY) {
      fail(XC_ERR_FORMAT, "nested arrays are not supported (key " + key + ")", static_cast<int64_t>(value.offset));
    } else {
      const size_t size = scalar_size(value.element_type);
      if (size == 0) {
        fail(XC_ERR_FORMAT, "unknown array element type " + std::to_string(element) + " (key " + key + ")",
             static_cast<int64_t>(value.offset));
      }
      if (value.count > UINT64_MAX / size) fail(XC_ERR_FORMAT, "array too long", static_cast<int64_t>(value.offset));
      cursor.skip(value.count * size, "array elements");
    }
  } else if (scalar_size(type) != 0) {
    value.number = read_number(cursor, type);
  } else {
    fail(XC_ERR_FORMAT, "unknown metadata type " + std::to_string(static_cast<uint32_t>(type)) + " (key " + key + ")",
         static_cast<int64_t>(value.offset));
  }
  return value;
}

}  // namespace

int64_t GgufTensor::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

GgufFile::GgufFile(const std::string& path) : path_(path), file_(std::make_unique<MappedFile>(path)) {
  Cursor cursor(file_->data(), file_->size());
  const uint32_t magic = cursor.read<uint32_t>("magic");
  if (magic != 0x46554747u) fail(XC_ERR_FORMAT, "not a GGUF file (bad magic): " + path, 0);
  version_ = cursor.read<uint32_t>("version");
  if (version_ < 2 || version_ > 3) {
    fail(XC_ERR_UNSUPPORTED, "GGUF version " + std::to_string(version_) + " is not supported", 4);
  }
  const uint64_t tensor_count = cursor.read<uint64_t>("tensor count");
  const uint64_t kv_count = cursor.read<uint64_t>("metadata count");
  // Each entry takes at least 8 bytes, so a count beyond the file size is corrupt.
  if (tensor_count > file_->size() / 8 || kv_count > file_->size() / 8) {
    fail(XC_ERR_FORMAT, "implausible tensor/metadata count", 8);
  }
  for (uint64_t i = 0; i < kv_count; i++) {
    const int64_t at = static_cast<int64_t>(cursor.position());
    std::string key(cursor.string("metadata key"));
    const auto type = static_cast<GgufValueType>(cursor.read<uint32_t>("metadata type"));
    GgufValue value = read_value(cursor, type, key);
    if (!metadata_.emplace(key, value).second) fail(XC_ERR_FORMAT, "duplicate metadata key " + key, at);
  }

  uint64_t alignment = 32;
  if (const GgufValue* value = find("general.alignment")) {
    if (value->type != GgufValueType::U32 || value->number < 1 ||
        (static_cast<uint64_t>(value->number) & (static_cast<uint64_t>(value->number) - 1)) != 0) {
      fail(XC_ERR_FORMAT, "general.alignment must be a power of two", static_cast<int64_t>(value->offset));
    }
    alignment = static_cast<uint64_t>(value->number);
  }

  tensors_.reserve(tensor_count);
  for (uint64_t i = 0; i < tensor_count; i++) {
    GgufTensor tensor;
    tensor.info_offset = static_cast<int64_t>(cursor.position());
    tensor.name = std::string(cursor.string("tensor name"));
    const uint32_t dims = cursor.read<uint32_t>("tensor dimension count");
    if (dims == 0 || dims > kMaxDims) {
      fail(XC_ERR_FORMAT, "tensor " + tensor.name + " has " + std::to_string(dims) + " dimensions",
           tensor.info_offset);
    }
    uint64_t elements = 1;
    for (uint32_t d = 0; d < dims; d++) {
      const uint64_t n = cursor.read<uint64_t>("tensor dimension");
      if (n == 0 || n > (1ull << 40) || elements > (1ull << 50) / n) {
        fail(XC_ERR_FORMAT, "tensor " + tensor.name + " has an invalid dimension " + std::to_string(n),
             tensor.info_offset);
      }
      elements *= n;
      tensor.shape.push_back(static_cast<int64_t>(n));
    }
    const uint32_t type = cursor.read<uint32_t>("tensor type");
    const GgmlTypeTraits traits = ggml_type_traits(type);
    if (traits.name == nullptr) {
      fail(XC_ERR_FORMAT, "tensor " + tensor.name + " has unknown type " + std::to_string(type), tensor.info_offset);
    }
    tensor.type = static_cast<GgmlType>(type);
    if (tensor.shape[0] % traits.block_elements != 0) {
      fail(XC_ERR_FORMAT, "tensor " + tensor.name + " row length " + std::to_string(tensor.shape[0]) +
                              " is not a multiple of the " + traits.name + " block",
           tensor.info_offset);
    }
    tensor.bytes = elements / traits.block_elements * traits.block_bytes;
    tensor.offset = cursor.read<uint64_t>("tensor offset");
    if (tensor.offset % alignment != 0) {
      fail(XC_ERR_FORMAT, "tensor " + tensor.name + " data offset is not aligned", tensor.info_offset);
    }
    if (!tensor_index_.emplace(tensor.name, tensors_.size()).second) {
      fail(XC_ERR_FORMAT, "duplicate tensor " + tensor.name, tensor.info_offset);
    }
    tensors_.push_back(std::move(tensor));
  }

  const uint64_t data_start = (cursor.position() + alignment - 1) / alignment * alignment;
  for (GgufTensor& tensor : tensors_) {
    const uint64_t size = file_->size();
    if (data_start > size || tensor.offset > size - data_start || tensor.bytes > size - data_start - tensor.offset) {
      fail(XC_ERR_FORMAT,
           "tensor " + tensor.name + " (" + std::to_string(tensor.bytes) + " bytes at data offset " +
               std::to_string(tensor.offset) + ") lies beyond the end of the file (" + std::to_string(size) + " bytes)",
           tensor.info_offset);
    }
    tensor.offset += data_start;
    tensor.data = file_->data() + tensor.offset;
  }
}

const GgufValue* GgufFile::find(std::string_view key) const {
  auto it = metadata_.find(key);
  return it == metadata_.end() ? nullptr : &it->second;
}

const GgufTensor* GgufFile::tensor(std::string_view name) const {
  auto it = tensor_index_.find(name);
  return it == tensor_index_.end() ? nullptr : &tensors_[it->second];
}

double GgufFile::array_number(const GgufValue& value, uint64_t index) const {
  const size_t size = scalar_size(value.element_type);
  if (value.type != GgufValueType::ARRAY || size == 0 || index >= value.count) {
    fail(XC_ERR_FORMAT, "not a numeric array element", static_cast<int64_t>(value.offset));
  }
  Cursor cursor(file_->data() + value.offset + index * size, size);
  return read_number(cursor, value.element_type);
}

}  // namespace xc
