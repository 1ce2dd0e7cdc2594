#include "engine/kv-cache.h"

#include <cstdlib>
#include <cstring>
#include <new>

#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

#include "common/error.h"

namespace xc {

namespace {

constexpr size_t kOsPage = 4096;

// Writes one byte per OS page unless the kernel can populate the range in one call (Linux 5.14+).
void make_resident(uint8_t* data, size_t bytes) {
#if defined(__linux__) && defined(MADV_POPULATE_WRITE)
  if (madvise(data, bytes, MADV_POPULATE_WRITE) == 0) return;
#endif
  for (size_t i = 0; i < bytes; i += kOsPage) static_cast<volatile uint8_t*>(data)[i] = 0;
}

}  // namespace

KvPage::KvPage(size_t bytes) {
  const size_t rounded = (bytes + kOsPage - 1) / kOsPage * kOsPage;
  data_ = static_cast<uint8_t*>(std::aligned_alloc(kOsPage, rounded));
  if (data_ == nullptr) fail(XC_ERR_OUT_OF_MEMORY, "cannot allocate a KV page of " + std::to_string(bytes) + " bytes");
  make_resident(data_, rounded);
}

KvPage::~KvPage() { std::free(data_); }

KvCache::KvCache(int layers, int kv_heads, int head_dim, bool f16, int max_sequences, int context_length)
    : layers_(layers),
      kv_heads_(kv_heads),
      head_dim_(head_dim),
      f16_(f16),
      context_length_(context_length),
      element_bytes_(f16 ? 2 : 4),
      page_bytes_(static_cast<size_t>(layers) * 2 * kv_heads * kPageTokens * head_dim * (f16 ? 2 : 4)),
      sequences_(static_cast<size_t>(max_sequences)) {}

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

std::shared_ptr<KvPage> KvCache::new_page() {
  if (spare_.empty()) return std::make_shared<KvPage>(page_bytes_);
  std::shared_ptr<KvPage> page = std::move(spare_.back());
  spare_.pop_back();
  return page;
}

void KvCache::recycle(std::vector<std::shared_ptr<KvPage>>& pages, size_t from) {
  for (size_t p = from; p < pages.size(); p++) {
    if (pages[p].use_count() == 1 && spare_.size() < sequences_.size()) spare_.push_back(std::move(pages[p]));
  }
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
  recycle(s.pages, pages);
  s.pages.resize(pages);
  s.page_data.resize(pages);
}

void KvCache::release(int sequence) {
  check(sequence);
  recycle(sequences_[sequence].pages, 0);
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
        std::shared_ptr<KvPage> copy = new_page();
        std::memcpy(copy->data(), s.pages[p]->data(), page_bytes_);
        s.pages[p] = std::move(copy);
        s.page_data[p] = s.pages[p]->data();
      }
    } else {
      s.pages.push_back(new_page());
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
