#include "engine/kv-page-pool.h"

#include <sys/mman.h>

#if defined(__SANITIZE_ADDRESS__)
#define XC_KV_POOL_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define XC_KV_POOL_ASAN 1
#endif
#endif

#ifdef XC_KV_POOL_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace xc {

namespace {

// The sanitizer build keeps ASan's view of KV memory that malloc gave it: free pages are poisoned (a
// stale page pointer is a use after free) and a poisoned gap follows each page (an overflow into the
// next page is caught).
#ifdef XC_KV_POOL_ASAN
constexpr size_t kRedZone = 256;
void poison(const void* at, size_t bytes) { ASAN_POISON_MEMORY_REGION(at, bytes); }
void unpoison(const void* at, size_t bytes) { ASAN_UNPOISON_MEMORY_REGION(at, bytes); }
#else
constexpr size_t kRedZone = 0;
void poison(const void*, size_t) {}
void unpoison(const void*, size_t) {}
#endif
// Chunks of at most this many bytes (or one page, when a page is bigger) grow a cache in steps small
// enough that a short sequence does not map much more than it uses.
constexpr size_t kChunkTarget = size_t{16} << 20;

constexpr size_t kOsPage = 4096;

size_t round_up(size_t bytes, size_t to) { return (bytes + to - 1) / to * to; }

// One call where the kernel can populate a range (Linux 5.14+), else one write per OS page.
void make_resident(uint8_t* data, size_t bytes) {
#ifdef MADV_POPULATE_WRITE
  const auto begin = reinterpret_cast<uintptr_t>(data) / kOsPage * kOsPage;
  const auto end = round_up(reinterpret_cast<uintptr_t>(data) + bytes, kOsPage);
  if (::madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE) == 0) return;
#endif
  for (size_t i = 0; i < bytes; i += kOsPage) static_cast<volatile uint8_t*>(data)[i] = 0;
  static_cast<volatile uint8_t*>(data)[bytes - 1] = 0;
}

// The number of pages per chunk that wastes the least of a huge-page-rounded chunk up to kChunkTarget.
size_t best_pages_per_chunk(size_t page_bytes) {
  size_t best = 1;
  double best_waste = 1.0;
  for (size_t pages = 1; pages == 1 || pages * page_bytes <= kChunkTarget; pages++) {
    const size_t used = pages * page_bytes;
    const double waste = 1.0 - static_cast<double>(used) / static_cast<double>(round_up(used, kHugePageBytes));
    if (waste < best_waste - 1e-9) {
      best = pages;
      best_waste = waste;
    }
  }
  return best;
}

}  // namespace

KvPagePool::KvPagePool(size_t page_bytes)
    : page_bytes_(round_up(page_bytes, 64)),
      page_stride_(page_bytes_ + kRedZone),
      pages_per_chunk_(best_pages_per_chunk(page_stride_)),
      chunk_bytes_(round_up(pages_per_chunk_ * page_stride_, kHugePageBytes)) {}

KvPagePool::~KvPagePool() {
  for (const HugePageMapping& chunk : chunks_) unpoison(chunk.data(), chunk.size());
}

void KvPagePool::map_chunk() {
  chunks_.emplace_back(chunk_bytes_, HugePageMapping::Reserve::kCommit, "KV pages");
  uint8_t* base = chunks_.back().data();
  poison(base, chunk_bytes_);
  // Handed out from the front of the chunk first, so a short sequence touches only its first huge pages.
  for (size_t i = pages_per_chunk_; i-- > 0;) fresh_.push_back(base + i * page_stride_);
}

uint8_t* KvPagePool::acquire() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!free_.empty()) {
    uint8_t* page = free_.back();
    free_.pop_back();
    unpoison(page, page_bytes_);
    return page;
  }
  if (fresh_.empty()) map_chunk();
  uint8_t* page = fresh_.back();
  fresh_.pop_back();
  unpoison(page, page_bytes_);
  make_resident(page, page_bytes_);
  return page;
}

void KvPagePool::give_back(uint8_t* page) {
  std::lock_guard<std::mutex> lock(mutex_);
  poison(page, page_bytes_);
  free_.push_back(page);
}

void KvPagePool::prefault(size_t pages) {
  std::vector<uint8_t*> taken;
  taken.reserve(pages);
  for (size_t i = 0; i < pages; i++) taken.push_back(acquire());
  // the free list hands out its back first: the first page taken is the first handed out again
  for (auto page = taken.rbegin(); page != taken.rend(); ++page) give_back(*page);
}

size_t KvPagePool::mapped_bytes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return chunks_.size() * chunk_bytes_;
}

}  // namespace xc
