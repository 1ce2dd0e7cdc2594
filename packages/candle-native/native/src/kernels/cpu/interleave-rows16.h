#pragma once

#include <cstdint>

#include "gguf/ggml-type.h"

namespace xc {

// Rows of a Rows16 layout (WeightLayout::Rows16) come in groups of this many.
constexpr int64_t kRows16 = 16;

// Whether `type` has the Rows16 layout (Q8_0, Q4_0, Q5_0; Q4_K and Q6_K in interleave-rows16-q4k.h, -q6k.h).
bool has_rows16_layout(GgmlType type);

// Writes `rows` rows (a multiple of 16) of `cols` elements from ggml's layout into the Rows16 layout:
// each group of 16 rows keeps its bytes (16 row lengths), block b of the group holding block b of its 16 rows.
void interleave_rows16(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);
// The inverse, whole groups of 16 rows back to ggml's layout.
void deinterleave_rows16(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);

}  // namespace xc
