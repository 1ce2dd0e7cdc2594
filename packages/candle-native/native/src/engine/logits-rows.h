#pragma once

#include <cstddef>

#include "common/huge-page-mapping.h"

namespace xc {

// Room for a batch's logits rows that grows without refaulting what it has already made resident. It is
// mapped the first time with room for `rows_ahead` rows (a decode batch grows a row at a time as requests
// arrive), on huge pages: a std::vector grown to each larger batch was a fresh allocation, zero-filled and
// faulted 4 KiB at a time (8 rows of a 49k vocabulary: 384 faults, ≈ 5 ms of CPU once). Rows not yet
// written are neither resident nor committed. Contents do not survive a call that needs more room.
class LogitsRows {
 public:
  LogitsRows(size_t row_floats, size_t rows_ahead) : row_floats_(row_floats), rows_ahead_(rows_ahead) {}

  // At least `rows` rows of `row_floats` floats; null for 0 rows before anything was mapped.
  float* reserve(size_t rows);
  // Rows that fit without mapping again.
  size_t capacity() const;

 private:
  size_t row_floats_;
  size_t rows_ahead_;
  HugePageMapping mapping_;
};

}  // namespace xc
