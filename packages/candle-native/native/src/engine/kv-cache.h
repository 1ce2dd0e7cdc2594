#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "engine/kv-page-pool.h"
#include "kernels/cpu/cpu-ops.h"

namespace xc {

// Host memory for a fixed number of KV rows, from the cache's pool and back to it when the last
// sequence holding it lets go; a CUDA cache would allocate device pages instead.
class KvPage {
 public:
  explicit KvPage(std::shared_ptr<KvPagePool> pool) : pool_(std::move(pool)), data_(pool_->acquire()) {}
  ~KvPage() { pool_->give_back(data_); }
  KvPage(const KvPage&) = delete;
  KvPage& operator=(const KvPage&) = delete;
  uint8_t* data() const { return data_; }

 private:
  std::shared_ptr<KvPagePool> pool_;
  uint8_t* data_;
};

// Paged KV cache. A sequence is a list of pages of kPageTokens positions; each page holds, for
// every layer, K then V as [kv_head][position][head_dim] (f16 or f32). Fork shares pages
// (shared_ptr); a page is copied before a write only while another sequence still holds it.
class KvCache {
 public:
  static constexpr int kPageTokens = 64;

  KvCache(int layers, int kv_heads, int head_dim, bool f16, int max_sequences, int context_length);

  int create();
  int fork(int from, int n_tokens);
  void truncate(int sequence, int n_tokens);
  void release(int sequence);
  int length(int sequence) const;
  void set_length(int sequence, int n_tokens);
  void check(int sequence) const;  // throws XC_ERR_INVALID_ARGUMENT unless live

  // Makes positions [length, new_length) writable: allocates pages and unshares the ones touched.
  void prepare_append(int sequence, int new_length);
  uint8_t* row(int sequence, int position, int layer, int kind, int head);  // kind 0: K, 1: V
  cpu::KvHeadView head_view(int sequence, int layer, int head) const;

  bool f16() const { return f16_; }
  int context_length() const { return context_length_; }
  int max_sequences() const { return static_cast<int>(sequences_.size()); }

 private:
  struct Sequence {
    bool live = false;
    int length = 0;
    std::vector<std::shared_ptr<KvPage>> pages;
    std::vector<const uint8_t*> page_data;
  };
  int64_t offset(int layer, int kind, int head) const;
  int free_slot() const;

  int layers_, kv_heads_, head_dim_;
  bool f16_;
  int context_length_;
  int64_t element_bytes_;
  size_t page_bytes_;
  std::shared_ptr<KvPagePool> pool_;
  std::vector<Sequence> sequences_;
};

}  // namespace xc
