#include "models/model-weights.h"

#include <algorithm>
#include <cstring>
#include <map>
#include <memory>
#include <thread>

#include "common/error.h"
#include "common/thread-pool.h"
#include "kernels/cpu/interleave-rows16.h"
#include "kernels/cpu/interleave.h"

namespace xc {

namespace {

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); i++) text += (i ? ", " : "") + std::to_string(shape[i]);
  return text + "]";
}

// Copies rows into the arena in `layout` (Ggml: the file's bytes as they are), a few MiB of rows at a
// time split across the load's thread pool, dropping each part of the file's pages once copied so that
// the peak resident memory stays near one copy of the weights.
uint8_t* arena_copy(ThreadPool& pool, const GgufFile& file, const WeightMatrix& w, WeightLayout layout, WeightArena& arena) {
  constexpr int64_t kChunkBytes = 8 << 20;
  constexpr int64_t kHugePage = 2 << 20;
  const bool rows16 = layout == WeightLayout::Rows16;
  const bool plain = layout == WeightLayout::Ggml;
  if (!rows16 && !plain && !has_interleaved_layout(w.type)) fail(XC_ERR_INTERNAL, std::string("no interleaved layout for ") + ggml_type_name(w.type));
  uint8_t* copy = arena.allocate(static_cast<size_t>(w.rows * w.row_bytes));
  const int64_t chunk_rows = std::max<int64_t>(kRows16, kChunkBytes / w.row_bytes / kRows16 * kRows16);
  for (int64_t first = 0; first < w.rows; first += chunk_rows) {
    const int64_t rows = std::min(chunk_rows, w.rows - first);
    // A few huge pages per claim: each thread takes the first-touch fault (the kernel zeroing 2 MiB) of
    // its own pages, so the zeroing runs in parallel instead of threads queueing on one page.
    const int64_t grain = std::max<int64_t>(kRows16, ((kHugePage + w.row_bytes - 1) / w.row_bytes + kRows16 - 1) / kRows16 * kRows16);
    pool.parallel_for(rows, grain, [&](int64_t begin, int64_t end) {
      const int64_t offset = (first + begin) * w.row_bytes;
      if (plain) std::memcpy(copy + offset, w.data + offset, static_cast<size_t>((end - begin) * w.row_bytes));
      else if (rows16) interleave_rows16(w.type, w.data + offset, copy + offset, end - begin, w.cols);
      else interleave_rows(w.type, w.data + offset, copy + offset, end - begin, w.cols);
    });
    file.release(w.data + first * w.row_bytes, static_cast<size_t>(rows * w.row_bytes));
  }
  return copy;
}

class TensorLoader {
 public:
  // `kernels`: nullptr keeps every matrix in the file's layout.
  TensorLoader(const GgufFile& file, const KernelTable* kernels, ModelWeights& weights)
      : file_(file), kernels_(kernels), weights_(weights) {
    if (kernels_ == nullptr) return;
    size_t bytes = 0;  // an upper bound: the arena only reserves address space
    for (const GgufTensor& tensor : file.tensors()) {
      if (is_supported_type(tensor.type) && copies(tensor.type)) bytes += tensor.bytes + 64;  // + alignment
    }
    if (bytes > 0) weights_.relaid = WeightArena(bytes);
  }

  const GgufTensor* find(const std::string& name, std::vector<int64_t> expected) const {
    const GgufTensor* tensor = file_.tensor(name);
    if (tensor == nullptr) return nullptr;
    std::vector<int64_t> got = tensor->shape;
    while (got.size() > expected.size() && got.back() == 1) got.pop_back();
    if (got != expected) {
      fail(XC_ERR_FORMAT, "tensor " + name + " has the wrong shape: expected " + shape_text(expected) + ", got " +
                              shape_text(tensor->shape),
           tensor->info_offset);
    }
    return tensor;
  }
  const GgufTensor& need(const std::string& name, std::vector<int64_t> expected) const {
    const GgufTensor* tensor = find(name, std::move(expected));
    if (tensor == nullptr) fail(XC_ERR_FORMAT, "missing tensor " + name);
    return *tensor;
  }
  // With `may_interleave`: the tensor's interleaved copy where the type has one, or a plain copy in the
  // arena's huge pages where the table streams the file's layout with a one-token tile (F16/BF16 on
  // AVX-512: from the file's 4 KiB pages a decode step walks a TLB entry per 4 KiB of weights).
  // Otherwise a view of the tensor in the mmap.
  WeightMatrix matrix(const GgufTensor& tensor, int64_t rows, int64_t cols, bool may_interleave = true, bool count = true) {
    if (!is_supported_type(tensor.type)) {
      fail(XC_ERR_UNSUPPORTED, "tensor " + tensor.name + " has unsupported type " + ggml_type_name(tensor.type),
           tensor.info_offset);
    }
    const GgmlTypeTraits traits = ggml_type_traits(static_cast<uint32_t>(tensor.type));
    WeightMatrix w;
    w.type = tensor.type;
    w.rows = rows;
    w.cols = cols;
    w.data = tensor.data;
    w.row_bytes = cols / traits.block_elements * traits.block_bytes;
    if (count) bytes_by_type_[tensor.type] += static_cast<int64_t>(tensor.bytes);
    if (may_interleave && kernels_ != nullptr && copies(w.type)) {
      const WeightTraits& traits = kernels_->traits(w.type);
      const WeightLayout layout = !traits.relay                                               ? WeightLayout::Ggml
                                  : traits.prefer_rows16 && rows16_rows_ && rows % kRows16 == 0 ? WeightLayout::Rows16
                                  : traits.interleaved.tile_4x4 != nullptr                    ? WeightLayout::Interleaved
                                                                                              : WeightLayout::Ggml;
      if (pool_ == nullptr) pool_ = std::make_unique<ThreadPool>(static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
      w.data = arena_copy(*pool_, file_, w, layout, weights_.relaid);
      if (layout != WeightLayout::Ggml) weights_.relaid_bytes += rows * w.row_bytes;
      w.layout = layout;
    }
    return w;
  }
  bool copies(GgmlType type) const {
    const WeightTraits& traits = kernels_->traits(type);
    return traits.relay || traits.ggml.tile_4x1 != nullptr;
  }
  // Rows16 only where every slice and every matmul band keeps whole groups: all row counts in sixteens.
  void allow_rows16(bool allowed) { rows16_rows_ = allowed; }
  WeightMatrix matrix(const std::string& name, int64_t rows, int64_t cols) {
    return matrix(need(name, {cols, rows}), rows, cols);
  }
  std::vector<float> vector(const GgufTensor& tensor) const {
    if (!is_supported_type(tensor.type)) {
      fail(XC_ERR_UNSUPPORTED, "tensor " + tensor.name + " has unsupported type " + ggml_type_name(tensor.type),
           tensor.info_offset);
    }
    std::vector<float> values(static_cast<size_t>(tensor.elements()));
    dequantize_row(tensor.type, tensor.data, values.data(), tensor.elements());
    return values;
  }
  std::vector<float> vector(const std::string& name, int64_t n) const { return vector(need(name, {n})); }
  std::vector<float> optional_vector(const std::string& name, int64_t n) const {
    const GgufTensor* tensor = find(name, {n});
    return tensor == nullptr ? std::vector<float>() : vector(*tensor);
  }
  GgmlType dominant_type() const {
    GgmlType best = GgmlType::F32;
    int64_t most = -1;
    for (const auto& [type, bytes] : bytes_by_type_) {
      if (bytes > most) {
        most = bytes;
        best = type;
      }
    }
    return best;
  }
  int64_t matrix_bytes() const {
    int64_t total = 0;
    for (const auto& entry : bytes_by_type_) total += entry.second;
    return total;
  }

 private:
  const GgufFile& file_;
  const KernelTable* kernels_;
  ModelWeights& weights_;
  std::unique_ptr<ThreadPool> pool_;  // for the re-lay; gone once the model is loaded
  bool rows16_rows_ = false;
  std::map<GgmlType, int64_t> bytes_by_type_;
};

}  // namespace

ModelWeights load_model_weights(const GgufFile& file, const ModelConfig& c, const KernelTable& kernels,
                                bool interleave) {
  ModelWeights w;
  TensorLoader load(file, interleave ? &kernels : nullptr, w);
  const ArchSpec& arch = *c.arch;
  const int64_t dim = c.embedding_length;
  const int64_t hd = c.head_dim;
  const int64_t ff = c.feed_forward_length;
  const int64_t q_dim = static_cast<int64_t>(c.head_count) * hd;
  const int64_t kv_dim = static_cast<int64_t>(c.head_count_kv) * hd;
  load.allow_rows16(dim % kRows16 == 0 && q_dim % kRows16 == 0 && kv_dim % kRows16 == 0 && ff % kRows16 == 0);

  const GgufTensor* embedding = file.tensor("token_embd.weight");
  if (embedding == nullptr) fail(XC_ERR_FORMAT, "missing tensor token_embd.weight");
  const int64_t vocab = embedding->shape.size() >= 2 ? embedding->shape[1] : 0;
  if (vocab <= 0 || vocab > (1 << 24)) fail(XC_ERR_FORMAT, "token_embd.weight has an invalid vocabulary size", embedding->info_offset);
  // Rows are looked up one at a time by token: kept as in the file.
  w.token_embedding = load.matrix(load.need("token_embd.weight", {dim, vocab}), vocab, dim, false);

  for (int l = 0; l < c.layer_count; l++) {
    const std::string p = "blk." + std::to_string(l) + ".";
    LayerWeights layer;
    layer.attn_norm = load.vector(p + "attn_norm.weight", dim);
    if (arch.fused_qkv && file.tensor(p + "attn_qkv.weight") != nullptr) {
      const WeightMatrix qkv = load.matrix(p + "attn_qkv.weight", q_dim + 2 * kv_dim, dim);
      layer.wq = qkv.slice_rows(0, q_dim);
      layer.wk = qkv.slice_rows(q_dim, kv_dim);
      layer.wv = qkv.slice_rows(q_dim + kv_dim, kv_dim);
      const std::vector<float> bias = load.optional_vector(p + "attn_qkv.bias", q_dim + 2 * kv_dim);
      if (!bias.empty()) {
        layer.bq.assign(bias.begin(), bias.begin() + q_dim);
        layer.bk.assign(bias.begin() + q_dim, bias.begin() + q_dim + kv_dim);
        layer.bv.assign(bias.begin() + q_dim + kv_dim, bias.end());
      }
    } else {
      layer.wq = load.matrix(p + "attn_q.weight", q_dim, dim);
      layer.wk = load.matrix(p + "attn_k.weight", kv_dim, dim);
      layer.wv = load.matrix(p + "attn_v.weight", kv_dim, dim);
      if (arch.attention_bias) {
        layer.bq = load.vector(p + "attn_q.bias", q_dim);
        layer.bk = load.vector(p + "attn_k.bias", kv_dim);
        layer.bv = load.vector(p + "attn_v.bias", kv_dim);
      } else {
        layer.bq = load.optional_vector(p + "attn_q.bias", q_dim);
        layer.bk = load.optional_vector(p + "attn_k.bias", kv_dim);
        layer.bv = load.optional_vector(p + "attn_v.bias", kv_dim);
      }
    }
    if (arch.qk_norm) {
      layer.q_norm = load.vector(p + "attn_q_norm.weight", hd);
      layer.k_norm = load.vector(p + "attn_k_norm.weight", hd);
    }
    layer.wo = load.matrix(p + "attn_output.weight", dim, q_dim);
    layer.bo = load.optional_vector(p + "attn_output.bias", dim);
    if (arch.post_norms) layer.post_attn_norm = load.vector(p + "post_attention_norm.weight", dim);
    layer.ffn_norm = load.vector(p + "ffn_norm.weight", dim);
    if (arch.fused_gate_up) {
      const WeightMatrix fused = load.matrix(p + "ffn_up.weight", 2 * ff, dim);
      layer.w_gate = fused.slice_rows(0, ff);
      layer.w_up = fused.slice_rows(ff, ff);
    } else {
      layer.w_gate = load.matrix(p + "ffn_gate.weight", ff, dim);
      layer.w_up = load.matrix(p + "ffn_up.weight", ff, dim);
    }
    layer.w_down = load.matrix(p + "ffn_down.weight", dim, ff);
    if (arch.post_norms) layer.post_ffn_norm = load.vector(p + "post_ffw_norm.weight", dim);
    w.layers.push_back(std::move(layer));
  }
  w.output_norm = load.vector("output_norm.weight", dim);
  const GgufTensor* output = load.find("output.weight", {dim, vocab});
  if (output != nullptr) {
    w.output = load.matrix(*output, vocab, dim);
  } else {
    // Tied: once copied, the lookups read the arena's copy too, so the file's pages stay untouched.
    w.output = load.matrix(*embedding, vocab, dim, true, false);
    if (w.output.data != embedding->data) w.token_embedding = w.output;
  }
  w.output_bias = load.optional_vector("output.bias", vocab);
  w.rope_freq_factors = load.optional_vector("rope_freqs.weight", c.rope_dims / 2);
  w.dominant_type = load.dominant_type();
  w.matrix_bytes = load.matrix_bytes();
  return w;
}

}  // namespace xc
