#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "common/error.h"
#include "common/thread-pool.h"
#include "gguf/ggml-type.h"
#include "kernels/cpu/kernel-table.h"

namespace xc {

// A row-major matrix of GGUF-typed rows in host memory (usually the mmap itself).
struct WeightMatrix {
  GgmlType type = GgmlType::F32;
  int64_t rows = 0;
  int64_t cols = 0;
  const uint8_t* data = nullptr;
  int64_t row_bytes = 0;
  WeightLayout layout = WeightLayout::Ggml;

  // Fails for a Rows16 matrix unless begin and count are whole groups of 16 rows.
  WeightMatrix slice_rows(int64_t begin, int64_t count) const {
    if (layout == WeightLayout::Rows16 && (begin % 16 != 0 || count % 16 != 0)) {
      fail(XC_ERR_INTERNAL, "a slice of a Rows16 matrix must take whole groups of 16 rows");
    }
    WeightMatrix view = *this;
    view.rows = count;
    view.data = data + begin * row_bytes;
    return view;
  }
};

// Row `row` of w as f32, whatever its layout.
void dequantize_matrix_row(const WeightMatrix& w, int64_t row, float* out);

// out[t * out_stride + r] = W[r] · x[t] (+ bias[r]) for r < W.rows.
struct MatmulTarget {
  const WeightMatrix* weight = nullptr;
  float* out = nullptr;
  int64_t out_stride = 0;
  const float* bias = nullptr;
};

// Multiplies `tokens` activation rows x (each targets[i].weight->cols wide, all equal) by every
// target's weight in one parallel pass. Activations are quantized once per format; each thread
// takes a band of weight rows and walks it in small tiles, running every token over a tile while
// it is in cache, so a weight matrix streams from memory once per call whatever the token count.
//
// `prepare` (optional) writes x's rows: it is called on the pool for consecutive token ranges [begin, end)
// covering [0, tokens), each once, right before those rows are read (quantized, in the same chunk), so a
// norm or an activation that produces x costs no pass of its own and no wait for the pool.
using MatmulPrepare = std::function<void(int64_t begin, int64_t end)>;
void matmul(ThreadPool& pool, const KernelTable& kernels, const float* x, int64_t tokens, const MatmulTarget* targets,
            int target_count, std::vector<uint8_t>& scratch, const MatmulPrepare* prepare = nullptr);

}  // namespace xc
