#pragma once

#include <cstdint>

#include "gguf/ggml-type.h"

namespace xc {

// How a weight matrix's rows are laid out in memory.
enum class WeightLayout : uint8_t {
  Ggml,  // as in the file
  // Re-laid at load for the integer tiles (block-types.h): the blocks of 8 rows side by side
  // (Q6_K: 16 lanes); same size, rows still independent.
  Interleaved,
  // Re-laid in groups of 16 rows whose blocks sit side by side (interleave-rows16.h); rows % 16 == 0.
  Rows16,
};

// Whether `type` has an interleaved layout (Q8_0, Q4_0, Q5_0, Q4_K; Q6_K's spans 16 lanes). Rows keep their
// length: whole 256-element groups are re-laid, a trailing part shorter than 256 stays in ggml blocks.
bool has_interleaved_layout(GgmlType type);

// Writes `rows` rows of `cols` elements from ggml's layout (src) into the interleaved layout (dst).
void interleave_rows(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);
// The same, byte by byte (the slow twin the harness compares interleave_rows against).
void interleave_rows_reference(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);

// The inverse: interleaved rows back to ggml's layout (for looking up single rows of a tied embedding).
void deinterleave_rows(GgmlType type, const uint8_t* src, uint8_t* dst, int64_t rows, int64_t cols);

}  // namespace xc
