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
//
// `next` (optional): the weights of the product the caller runs after this one (see DecodeLookahead).
using MatmulPrepare = std::function<void(int64_t begin, int64_t end)>;
struct NextWeights;
void matmul(ThreadPool& pool, const KernelTable& kernels, const float* x, int64_t tokens, const MatmulTarget* targets,
            int target_count, std::vector<uint8_t>& scratch, const MatmulPrepare* prepare = nullptr,
            const NextWeights* next = nullptr);

// The matrices of a product (as its targets list them) that a forward runs after the current loop.
struct NextWeights {
  const WeightMatrix* weights[3] = {};
  int count = 0;
};

// Idle work (IdleWork) for a decode loop: requests into cache the first bytes of each of the
// first `threads` bands a decode product over `next` hands out, a piece at a time and the bands in turn,
// so the memory bandwidth a loop's tail leaves unused (one thread waiting out another's last band)
// starts the next product's streams. No items where `next` is null, `tokens` is not a decode batch or
// the pool has one thread.
class DecodeLookahead {
 public:
  DecodeLookahead(const NextWeights* next, int64_t tokens, int threads);
  DecodeLookahead(const DecodeLookahead&) = delete;
  DecodeLookahead& operator=(const DecodeLookahead&) = delete;
  IdleWork idle() const { return {items_, &run_}; }

 private:
  static constexpr int kMaxBands = 16;
  static constexpr int64_t kLookaheadBytes = 64 * 1024;
  static constexpr int64_t kLookaheadPiece = 4 * 1024;
  void request(int64_t item) const;

  const uint8_t* start_[kMaxBands] = {};
  int64_t bytes_[kMaxBands] = {};
  int bands_ = 0;
  int64_t items_ = 0;
  std::function<void(int64_t)> run_;
};

}  // namespace xc
