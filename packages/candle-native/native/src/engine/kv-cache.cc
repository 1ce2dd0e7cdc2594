#include "engine/kv-cache.h"

#include <algorithm>
#include <cstring>
#include <new>

#include "common/error.h"

namespace xc {

KvCache::KvCache(int layers, int kv_heads, int head_dim, bool f16, int max_sequences, int context_length)
    : layers_(layers),
      kv_heads_(kv_heads),
      head_dim_(head_dim),
      f16_(f16),
      context_length_(context_length),
      element_bytes_(f16 ? 2 : 4),
      page_bytes_(static_cast<size_t>(layers) * 2 * kv_heads * kPageTokens * head_dim * (f16 ? 2 : 4)),
      pool_(std::make_shared<KvPagePool>(page_bytes_)),
      sequences_(static_cast<size_t>(max_sequences)) {
  // One sequence's pages up to the context length, at most kPrefaultBytes (or one page), resident before
  // the first forward rather than inside it, as a cache allocated whole at creation would be.
  constexpr size_t kPrefaultBytes = size_t{16} << 20;
  const auto pages = static_cast<size_t>((context_length + kPageTokens - 1) / kPageTokens);
  pool_->prefault(std::min(pages, std::max<size_t>(1, kPrefaultBytes / page_bytes_)));
}

void KvCache::check(int sequence) const {
  if (sequence < 0 || sequence >= static_cast<int>(sequences_.size()) || !sequences_[sequence].live) {
    fail(XC_ERR_INVALID_ARGUMENT, "no live sequence " + std::to_string(sequence));
  }
}

int KvCache::free_slot() const {
  for (size_t i = 0; i < sequences_.size(); i++) {
    if (!sequences_[i].live) return static_cast<int>(i);
  }
  fail(XC_ERR_INVALID_ARGUMENT, "all " + std::to_string(sequences_.size()) + " sequences are in use");
}

int KvCache::create() {
  const int slot = free_slot();
  sequences_[slot] = Sequence{};
  sequences_[slot].live = true;
  return slot;
}

int KvCache::fork(int from, int n_tokens) {
  check(from);
  const int length = sequences_[from].length;
  if (n_tokens < 0) n_tokens = length;
  if (n_tokens > length) {
    fail(XC_ERR_INVALID_ARGUMENT, "cannot fork " + std::to_string(n_tokens) + " tokens of a sequence holding " +
                                      std::to_string(length));
  }
  const int slot = free_slot();
  Sequence copy;
  copy.live = true;
  copy.length = n_tokens;
  const size_t pages = static_cast<size_t>((n_tokens + kPageTokens - 1) / kPageTokens);
  copy.pages.assign(sequences_[from].pages.begin(), sequences_[from].pages.begin() + static_cast<long>(pages));
  copy.page_data.assign(sequences_[from].page_data.begin(), sequences_[from].page_data.begin() + static_cast<long>(pages));
  sequences_[slot] = std::move(copy);
  return slot;
}

void KvCache::truncate(int sequence, int n_tokens) {
  check(sequence);
  Sequence& s = sequences_[sequence];
  if (n_tokens < 0 || n_tokens > s.length) {
    fail(XC_ERR_INVALID_ARGUMENT, "cannot truncate a sequence of " + std::to_string(s.length) + " tokens to " +
                                      std::to_string(n_tokens));
  }
  s.length = n_tokens;
  const size_t pages = static_cast<size_t>((n_tokens + kPageTokens - 1) / kPageTokens);
  s.pages.resize(pages);
  s.page_data.resize(pages);
}

void KvCache::release(int sequence) {
  check(sequence);
  sequences_[sequence] = Sequence{};
}

int KvCache::length(int sequence) const {
  check(sequence);
  return sequences_[sequence].length;
}

void KvCache::set_length(int sequence, int n_tokens) { sequences_[sequence].length = n_tokens; }

void KvCache::prepare_append(int sequence, int new_length) {
  Sequence& s = sequences_[sequence];
  const size_t first = static_cast<size_t>(s.length / kPageTokens);
  const size_t needed = static_cast<size_t>((new_length + kPageTokens - 1) / kPageTokens);
  for (size_t p = first; p < needed; p++) {
    if (p < s.pages.size()) {
      if (s.pages[p].use_count() > 1) {
        auto copy = std::make_shared<KvPage>(pool_);
        std::memcpy(copy->data(), s.pages[p]->data(), page_bytes_);
        s.pages[p] = std::move(copy);
        s.page_data[p] = s.pages[p]->data();
      }
    } else {
      s.pages.push_back(std::make_shared<KvPage>(pool_));
      s.page_data.push_back(s.pages.back()->data());
    }
  }
}

int64_t KvCache::offset(int layer, int kind, int head) const {
  return ((static_cast<int64_t>(layer) * 2 + kind) * kv_heads_ + head) * kPageTokens * head_dim_ * element_bytes_;
}

uint8_t* KvCache::row(int sequence, int position, int layer, int kind, int head) {
  Sequence& s = sequences_[sequence];
  return s.pages[static_cast<size_t>(position / kPageTokens)]->data() + offset(layer, kind, head) +
         static_cast<int64_t>(position % kPageTokens) * head_dim_ * element_bytes_;
}

cpu::KvHeadView KvCache::head_view(int sequence, int layer, int head) const {
  const Sequence& s = sequences_[sequence];
  cpu::KvHeadView view;
  view.pages = s.page_data.data();
  view.page_tokens = kPageTokens;
  view.key_offset = offset(layer, 0, head);
  view.value_offset = offset(layer, 1, head);
  view.head_dim = head_dim_;
  view.f16 = f16_;
  return view;
}

}  // namespace xc
