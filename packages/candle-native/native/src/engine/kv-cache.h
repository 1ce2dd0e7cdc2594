#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/cpu/cpu-ops.h"

namespace xc {

// Host memory for a fixed number of KV rows; a CUDA cache would allocate device pages instead. The
// memory is made resident when allocated, in one call: the decode steps that later write a row into
// it then take no page faults (one fault per 4 KB row range per head and layer otherwise, each a
// trap to the kernel in the middle of a step).
class KvPage {
 public:
  explicit KvPage(size_t bytes);
  ~KvPage();
  KvPage(const KvPage&) = delete;
  KvPage& operator=(const KvPage&) = delete;
  uint8_t* data() const { return data_; }

 private:
  uint8_t* data_;
};

// Paged KV cache. A sequence is a list of pages of kPageTokens positions; each page holds, for
// every layer, K then V as [kv_head][position][head_dim] (f16 or f32). Fork shares pages
// (shared_ptr); a page is copied before a write only while another sequence still holds it. Pages
// no sequence holds any more are kept (up to one per sequence slot) and handed to the next
// sequence that grows, so a server's stream of short requests reuses resident memory.
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
  std::shared_ptr<KvPage> new_page();
  // Keeps the pages that only `pages` held, for new_page.
  void recycle(std::vector<std::shared_ptr<KvPage>>& pages, size_t from);

  int layers_, kv_heads_, head_dim_;
  bool f16_;
  int context_length_;
  int64_t element_bytes_;
  size_t page_bytes_;
  std::vector<Sequence> sequences_;
  std::vector<std::shared_ptr<KvPage>> spare_;
};

}  // namespace xc
