#pragma once

#include <cstddef>
#include <cstdint>

namespace xc {

// ggml tensor type ids as stored in GGUF (ggml.h `enum ggml_type`).
enum class GgmlType : uint32_t {
  F32 = 0,
  F16 = 1,
  Q4_0 = 2,
  Q4_1 = 3,
  Q5_0 = 6,
  Q5_1 = 7,
  Q8_0 = 8,
  Q8_1 = 9,
  Q2_K = 10,
  Q3_K = 11,
  Q4_K = 12,
  Q5_K = 13,
  Q6_K = 14,
  Q8_K = 15,
  BF16 = 30,
};

struct GgmlTypeTraits {
  const char* name;  // nullptr: unknown id
  int64_t block_elements;
  int64_t block_bytes;
  bool supported;  // this engine has kernels for it
};

GgmlTypeTraits ggml_type_traits(uint32_t type);
inline bool is_supported_type(GgmlType type) { return ggml_type_traits(static_cast<uint32_t>(type)).supported; }
const char* ggml_type_name(GgmlType type);

}  // namespace xc
