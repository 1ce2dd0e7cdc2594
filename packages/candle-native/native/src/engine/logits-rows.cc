#include "engine/logits-rows.h"

#include <algorithm>

namespace xc {

float* LogitsRows::reserve(size_t rows) {
  if (rows > capacity()) {
    mapping_ = HugePageMapping();  // unmapped first: the old and new mappings never coexist
    mapping_ = HugePageMapping(std::max(rows, rows_ahead_) * row_floats_ * sizeof(float),
                               HugePageMapping::Reserve::kNoReserve, "logits rows");
  }
  return reinterpret_cast<float*>(mapping_.data());
}

size_t LogitsRows::capacity() const {
  return row_floats_ == 0 ? 0 : mapping_.size() / (row_floats_ * sizeof(float));
}

}  // namespace xc
