#include "kernels/cpu/matmul.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "common/error.h"
#include "kernels/cpu/interleave-rows16.h"

namespace xc {

namespace {

constexpr int64_t kRowTile = 16;
constexpr int64_t kBandsPerThread = 4;
constexpr int kFormats = kActivationFormats;
constexpr int64_t kPrefillRows = 64;
constexpr size_t kActivationBlockBytes = 192 * 1024;
// Up to this many activation rows are quantized on the calling thread: a decode batch's rows take
// microseconds, less than handing them to the pool and waiting for it.
constexpr int64_t kInlineQuantizeElements = 16 * 1024;
// Up to this many tokens a call is a decode batch: it streams the weights once in long bands.
constexpr int64_t kDecodeBatchTokens = 16;
// A decode call's rows go in about kBandsPerThread level bands per thread unless a band would exceed
// kGuidedBandBytes (an output head); then each band takes 1 / (threads · kDecodeShareDivisor) of the rows
// still unclaimed, at least kMinDecodeBand rows, and the last of at most kMaxDecodeBands takes the rest.
constexpr int64_t kGuidedBandBytes = 1 << 20;
constexpr int64_t kDecodeShareDivisor = 2;
constexpr int64_t kMinDecodeBand = 64;
constexpr int kMaxDecodeBands = 64;
// How far ahead of its 4-row tile a decode batch prefetches weight rows: two tiles. Farther (16,
// 32, 64 rows) measured slower on both benchmark shapes, nearer (4) about the same.
constexpr int64_t kPrefetchRows = 8;
constexpr size_t kLine = 64;

inline void prefetch_line(const uint8_t* p) {
#if defined(__GNUC__) || defined(__clang__)
  __builtin_prefetch(p);
#else
  (void)p;
#endif
}

// A decode call's bands, level across the threads and in whole quads of 16-row groups (the Rows16 tiles of
// a 2–4 token batch stream four groups at once; a band's odd groups go through their 2- and 1-group tiles,
// which read slower; one token walks its band group by group): each thread's share of whole quads in kBandsPerThread bands where the share
// divides so (else the nearest count that does), then the quads and groups left over in one band per
// thread. Rounding one band's rows to the group had left SmolLM2's 576-row matrices (36 groups) in 9
// bands of 64 rows, so one of 2 threads streamed 5 of them while the other waited; even bands of 3
// groups ran half their rows through the narrower tiles. Returns the band count (bounds[0..count] in
// rows), 0 where the matrix has less than a quad per thread or the bands would not fit.
int decode_bands(int64_t rows, int64_t threads, int64_t* bounds, int capacity) {
  constexpr int64_t kQuad = 4 * kRowTile;
  const int64_t groups = (rows + kRowTile - 1) / kRowTile;
  const int64_t quads_each = groups / 4 / threads;
  if (quads_each == 0) return 0;
  int64_t per_thread = 0;
  for (int64_t b = 1; b <= 2 * kBandsPerThread && b <= quads_each; b++) {
    const auto off = [](int64_t v) { return v > kBandsPerThread ? v - kBandsPerThread : kBandsPerThread - v; };
    if (quads_each % b == 0 && (per_thread == 0 || off(b) <= off(per_thread))) per_thread = b;
  }
  const int64_t main_bands = per_thread * threads;
  const int64_t band_rows = quads_each / per_thread * kQuad;
  const int64_t tail_groups = groups - main_bands * band_rows / kRowTile;
  const int64_t tail_bands = tail_groups > 0 ? std::min(threads, tail_groups) : 0;
  if (main_bands + tail_bands > capacity) return 0;
  int count = 0;
  for (int64_t band = 0; band < main_bands; band++) bounds[count++] = band * band_rows;
  const int64_t tail_start = main_bands * band_rows;
  for (int64_t band = 0; band < tail_bands; band++) bounds[count++] = tail_start + band * tail_groups / tail_bands * kRowTile;
  bounds[count] = rows;
  return count;
}

// Rows a thread runs if the threads take `band`-row bands in turn: whole bands, the last one short.
int64_t longest_share(int64_t rows, int64_t band, int64_t threads) {
  const int64_t bands = (rows + band - 1) / band;
  const int64_t rounds = (bands + threads - 1) / threads;
  return std::min(rounds * band, rows);
}

// A prefill's band: up to kPrefillRows rows (a whole number of 16-row tiles), or half as many again
// (two 16-row groups more) or half when that gives the threads more even shares: SmolLM2's 576-row
// matrices made 9 bands of 64, so one of 2 threads ran 5 and the other waited out the fifth.
int64_t prefill_band(int64_t rows, int64_t threads) {
  const int64_t share = rows / (threads * kBandsPerThread);
  const int64_t band = std::min<int64_t>(kPrefillRows, std::max<int64_t>(kRowTile, share / kRowTile * kRowTile));
  int64_t best = band;
  for (const int64_t other : {band / 2, band * 3 / 2}) {
    if (other < kRowTile || other % kRowTile != 0) continue;
    if (longest_share(rows, other, threads) < longest_share(rows, best, threads)) best = other;
  }
  return best;
}

// A prefill's work items: whole bands (prefill_band), except the last `threads` bands, which go in
// kTailPieces token ranges each (multiples of 12 tokens, so the Rows16 tiles keep their full width),
// so the threads finish within a fraction of a band of each other. The pool hands items out in
// order: a thread that claims the last whole band had left the other waiting out most of a band at
// the end of each matmul (up to 280 µs a call on Qwen2.5-0.5B's 64-row bands of its 4864-wide down
// matrix). With this and the long prompts' attention runs (llama-forward.cc), 2 threads on a 512-token
// prompt idle at the regions' ends 0.6–1.1% of their time instead of 1.2–1.8% (Qwen2.5-0.5B Q8_0) and
// 0.6–1.2% instead of 1.5–2.4% (SmolLM2 Q8_0; Zen 4, rdtsc in the pool, quiet runs). Each (row, token)
// gets the same operations whichever item computes it.
constexpr int64_t kTailPieces = 8;
constexpr int64_t kTailTokenStep = 12;

struct PrefillItems {
  int64_t rows = 0, tokens = 0, band = 0, whole = 0, tail = 0, pieces = 1;
  int64_t count() const { return whole + tail * pieces; }
  void item(int64_t i, int64_t& rows_begin, int64_t& rows_end, int64_t& first_token, int64_t& end_token) const {
    const int64_t b = i < whole ? i : whole + (i - whole) / pieces;
    const int64_t piece = i < whole ? 0 : (i - whole) % pieces;
    const int64_t split = i < whole ? 1 : pieces;
    rows_begin = b * band;
    rows_end = std::min(rows, rows_begin + band);
    first_token = piece == 0 ? 0 : tokens * piece / split / kTailTokenStep * kTailTokenStep;
    end_token = piece + 1 == split ? tokens : tokens * (piece + 1) / split / kTailTokenStep * kTailTokenStep;
  }
};

PrefillItems prefill_items(int64_t rows, int64_t tokens, int64_t threads) {
  PrefillItems items;
  items.rows = rows, items.tokens = tokens;
  items.band = prefill_band(rows, threads);
  const int64_t bands = (rows + items.band - 1) / items.band;
  // pieces of at least two steps of tokens each
  items.pieces = threads > 1 ? std::min(kTailPieces, tokens / (2 * kTailTokenStep)) : 1;
  items.tail = items.pieces > 1 ? std::min(threads, bands) : 0;
  items.whole = bands - items.tail;
  return items;
}

}  // namespace

void dequantize_matrix_row(const WeightMatrix& w, int64_t row, float* out) {
  const uint8_t* data = w.data + row * w.row_bytes;
  if (w.layout == WeightLayout::Ggml) return dequantize_row(w.type, data, out, w.cols);
  if (w.layout == WeightLayout::Rows16) {  // the row's group back to ggml, then the row
    const int64_t first = row / kRows16 * kRows16;
    std::vector<uint8_t> group(static_cast<size_t>(kRows16 * w.row_bytes));
    deinterleave_rows16(w.type, w.data + first * w.row_bytes, group.data(), kRows16, w.cols);
    return dequantize_row(w.type, group.data() + (row - first) * w.row_bytes, out, w.cols);
  }
  std::vector<uint8_t> ggml(static_cast<size_t>(w.row_bytes));
  deinterleave_rows(w.type, data, ggml.data(), 1, w.cols);
  dequantize_row(w.type, ggml.data(), out, w.cols);
}

void matmul(ThreadPool& pool, const KernelTable& kernels, const float* x, int64_t tokens, const MatmulTarget* targets,
            int target_count, std::vector<uint8_t>& scratch, const MatmulPrepare* prepare) {
  if (target_count <= 0 || tokens <= 0) return;
  const int64_t cols = targets[0].weight->cols;
  bool needed[kFormats] = {};
  int64_t total_rows = 0;
  for (int i = 0; i < target_count; i++) {
    const WeightMatrix& w = *targets[i].weight;
    if (w.cols != cols) fail(XC_ERR_INTERNAL, "matmul targets disagree on the input width");
    needed[static_cast<int>(kernels.kernels_for(w.type, w.layout).activation)] = true;
    total_rows += w.rows;
  }

  // Quantized copies of x, one region per format that some target needs.
  const uint8_t* rows_of[kFormats] = {reinterpret_cast<const uint8_t*>(x)};
  size_t stride_of[kFormats] = {static_cast<size_t>(cols) * sizeof(float)};
  size_t offset_of[kFormats] = {};
  size_t total = 0;
  for (int f = 1; f < kFormats; f++) {
    if (!needed[f]) continue;
    stride_of[f] = activation_row_bytes(static_cast<ActivationFormat>(f), cols);
    total = (total + kLine - 1) / kLine * kLine;
    offset_of[f] = total;
    total += stride_of[f] * static_cast<size_t>(tokens);
  }
  const int64_t quantize_grain = tokens * cols <= kInlineQuantizeElements ? tokens : 4;
  if (total == 0 && prepare != nullptr) pool.parallel_for(tokens, quantize_grain, *prepare);  // float activations
  if (total > 0) {
    // Regions start on cache lines, so formats whose rows are whole lines keep their vectors unsplit.
    if (scratch.size() < total + kLine) scratch.resize(total + kLine);
    uint8_t* base = scratch.data() + (kLine - reinterpret_cast<uintptr_t>(scratch.data()) % kLine) % kLine;
    for (int f = 1; f < kFormats; f++) {
      if (needed[f]) rows_of[f] = base + offset_of[f];
    }
    // A pool without workers hands over the whole range at once: its rows still go quantize_grain at a
    // time, so the rows `prepare` writes are in L1 when they are quantized.
    pool.parallel_for(tokens, quantize_grain, [&](int64_t begin, int64_t end) {
      for (int64_t t0 = begin; t0 < end; t0 += quantize_grain) {
        const int64_t t1 = std::min(end, t0 + quantize_grain);
        if (prepare != nullptr) (*prepare)(t0, t1);
        for (int64_t t = t0; t < t1; t++) {
          for (int f = 1; f < kFormats; f++) {
            if (needed[f]) {
              quantize_activations(kernels, static_cast<ActivationFormat>(f), x + t * cols,
                                   base + offset_of[f] + t * stride_of[f], cols);
            }
          }
        }
      }
    });
  }

  // Weight rows [begin, end) against tokens [first_token, end_token).
  const auto run_part = [&](int64_t begin, int64_t end, int64_t first_token, int64_t end_token) {
    int64_t base = 0;
    for (int i = 0; i < target_count && begin < end; i++) {
      const MatmulTarget& target = targets[i];
      const WeightMatrix& w = *target.weight;
      const int64_t lo = begin > base ? begin - base : 0;
      const int64_t hi = end - base < w.rows ? end - base : w.rows;
      base += w.rows;
      if (lo >= hi) continue;
      const LayoutKernels& k = kernels.kernels_for(w.type, w.layout);
      const int f = static_cast<int>(k.activation);
      const size_t x_stride = stride_of[f];
      // Token blocks small enough that their activations stay in L2 while every row of the chunk
      // passes over them; inside a block, each 4-row group stays in L1 while the tokens stream.
      const int64_t token_block = std::max<int64_t>(8, std::min<int64_t>(256, kActivationBlockBytes / x_stride / 4 * 4));
      if (k.rows != nullptr) {  // rows in groups: the layout's own tile takes the whole band
        if (lo % kRows16 != 0 || hi % kRows16 != 0) fail(XC_ERR_INTERNAL, "a matmul band splits a group of 16 rows");
        // Token blocks in twelves, so the Rows16 tiles (6 tokens for Q8_0/Q4_0/Q5_0, 4 for Q4_K) run full
        // width: Qwen2.5-0.5B's down matrix got 32-token blocks, a quarter of them in 4-token tiles.
        // A last block of 16 tokens or fewer joins the one before: the Rows16 kernels take up to 16 tokens
        // as a decode batch (one group at a time, slower from cache), as Qwen2.5-0.5B's 256-token chunks
        // left the down matrix's last 16 of 24-token blocks.
        const int64_t rows_block = std::max<int64_t>(12, std::min<int64_t>(252, kActivationBlockBytes / x_stride / 12 * 12));
        for (int64_t t0 = first_token, t1 = 0; t0 < end_token; t0 = t1) {
          t1 = std::min(end_token, t0 + rows_block);
          if (end_token - t1 <= kDecodeBatchTokens) t1 = end_token;
          k.rows(cols, w.data + lo * w.row_bytes, w.row_bytes, rows_of[f] + static_cast<size_t>(t0) * x_stride,
                 static_cast<int64_t>(x_stride), target.out + t0 * target.out_stride + lo, target.out_stride, hi - lo, t1 - t0);
          if (target.bias != nullptr) {
            for (int64_t t = t0; t < t1; t++) {
              for (int64_t r = lo; r < hi; r++) target.out[t * target.out_stride + r] += target.bias[r];
            }
          }
        }
        continue;
      }
      const DotFn dot = k.dot;
      const bool prefetch = tokens > 1 && tokens <= kDecodeBatchTokens;
      const TileFn tile2 = k.tile_4x2;
      const TileFn tile4 = k.tile_4x4;
      const TileFn tile1 = k.tile_4x1;
      for (int64_t t0 = first_token; t0 < end_token; t0 += token_block) {
        const int64_t t1 = std::min(end_token, t0 + token_block);
        int64_t r = lo;
        for (; (tile2 != nullptr || tile4 != nullptr || tile1 != nullptr) && r + 4 <= hi; r += 4) {
          const uint8_t* wr = w.data + r * w.row_bytes;
          if (prefetch) {
            // A decode batch's tiles stream their rows from memory: ask for the rows a few tiles
            // ahead so the loads overlap the multiply-adds instead of following them.
            const int64_t ahead = std::min(hi, r + kPrefetchRows + 4) - (r + kPrefetchRows);
            const uint8_t* next = wr + kPrefetchRows * w.row_bytes;
            for (int64_t b = 0; b < ahead * w.row_bytes; b += 64) prefetch_line(next + b);
          }
          int64_t t = t0;
          if (tile4 != nullptr) {
            for (; t + 4 <= t1; t += 4) {
              tile4(cols, wr, w.row_bytes, rows_of[f] + static_cast<size_t>(t) * x_stride, static_cast<int64_t>(x_stride),
                    target.out + t * target.out_stride + r, target.out_stride);
            }
          }
          for (; tile2 != nullptr && t + 2 <= t1; t += 2) {
            tile2(cols, wr, w.row_bytes, rows_of[f] + static_cast<size_t>(t) * x_stride, static_cast<int64_t>(x_stride),
                  target.out + t * target.out_stride + r, target.out_stride);
          }
          for (; tile1 != nullptr && t < t1; t++) {
            tile1(cols, wr, w.row_bytes, rows_of[f] + static_cast<size_t>(t) * x_stride, static_cast<int64_t>(x_stride),
                  target.out + t * target.out_stride + r, target.out_stride);
          }
          for (; t < t1; t++) {
            const uint8_t* xr = rows_of[f] + static_cast<size_t>(t) * x_stride;
            for (int64_t k = r; k < r + 4; k++) target.out[t * target.out_stride + k] = dot(cols, w.data + k * w.row_bytes, xr);
          }
        }
        for (int64_t t = t0; t < t1 && r < hi; t++) {
          const uint8_t* xr = rows_of[f] + static_cast<size_t>(t) * x_stride;
          for (int64_t k = r; k < hi; k++) target.out[t * target.out_stride + k] = dot(cols, w.data + k * w.row_bytes, xr);
        }
        if (target.bias != nullptr) {
          for (int64_t t = t0; t < t1; t++) {
            for (int64_t k = lo; k < hi; k++) target.out[t * target.out_stride + k] += target.bias[k];
          }
        }
      }
    }
  };

  const auto run_rows = [&](int64_t begin, int64_t end) { run_part(begin, end, 0, tokens); };

  // Decode (one sequence or a batch of them) reads each weight once: a few long contiguous bands per
  // thread keep the hardware prefetcher streaming. Where those bands are megabytes long (an output
  // head), they shrink as the product goes instead (each a share of the rows still unclaimed), so the
  // threads finish within a small band of each other rather than one waiting out another's last long
  // band; the layers' matrices keep about kBandsPerThread level bands a thread (decode_bands; more,
  // smaller bands cost claims and gained nothing measurable there). Prefill re-reads tiles from cache,
  // so small even chunks balance better.
  const int64_t threads = pool.size();
  int64_t band_bytes = 0;
  for (int i = 0; i < target_count; i++) band_bytes += targets[i].weight->rows * targets[i].weight->row_bytes;
  band_bytes /= threads * kBandsPerThread;
  if (tokens <= kDecodeBatchTokens && band_bytes <= kGuidedBandBytes) {
    int64_t bounds[kMaxDecodeBands + 1];
    const int bands = decode_bands(total_rows, threads, bounds, kMaxDecodeBands);
    if (bands > 0) {
      pool.parallel_for(bands, 1, [&](int64_t begin, int64_t end) {
        for (int64_t band = begin; band < end; band++) run_rows(bounds[band], bounds[band + 1]);
      });
      return;
    }
    const int64_t band = total_rows / (threads * kBandsPerThread);
    pool.parallel_for(total_rows, std::max<int64_t>(kRowTile, band / kRowTile * kRowTile), run_rows);
    return;
  }
  if (tokens <= kDecodeBatchTokens) {
    int64_t bounds[kMaxDecodeBands + 1];
    int bands = 0;
    for (int64_t at = 0; at < total_rows; bands++) {
      bounds[bands] = at;
      const int64_t share = (total_rows - at) / (threads * kDecodeShareDivisor) / kRowTile * kRowTile;
      at = bands + 2 == kMaxDecodeBands ? total_rows : std::min(total_rows, at + std::max(kMinDecodeBand, share));
    }
    bounds[bands] = total_rows;
    pool.parallel_for(bands, 1, [&](int64_t begin, int64_t end) {
      for (int64_t band = begin; band < end; band++) run_rows(bounds[band], bounds[band + 1]);
    });
    return;
  }
  const PrefillItems items = prefill_items(total_rows, tokens, threads);
  pool.parallel_for(items.count(), 1, [&](int64_t begin, int64_t end) {
    for (int64_t item = begin; item < end; item++) {
      int64_t rows_begin, rows_end, first_token, end_token;
      items.item(item, rows_begin, rows_end, first_token, end_token);
      run_part(rows_begin, rows_end, first_token, end_token);
    }
  });
}

}  // namespace xc
