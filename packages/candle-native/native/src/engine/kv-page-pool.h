#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

#include "common/huge-page-mapping.h"

namespace xc {

// Host memory for KV pages, carved from chunks of huge-page-aligned memory advised as huge pages and
// recycled through a free list. Before it each page was its own malloc (an mmap per 1–8 MB page):
// every first write to a page faulted once per 4 KiB, a tenth of a 512-token prefill's CPU time in a VM,
// inside the forward's parallel regions, and every release unmapped it again. A page is made resident
// when first handed out, in one call on the thread that asks for it; given back, it stays resident and
// is handed out again before any fresh one. Chunks stay mapped until the pool goes; pages are not zeroed.
class KvPagePool {
 public:
  explicit KvPagePool(size_t page_bytes);
  ~KvPagePool();
  KvPagePool(const KvPagePool&) = delete;
  KvPagePool& operator=(const KvPagePool&) = delete;

  // A page of `page_bytes` bytes (64-byte aligned); XC_ERR_OUT_OF_MEMORY when no chunk can be mapped.
  uint8_t* acquire();
  void give_back(uint8_t* page);
  // Makes `pages` pages resident now (mapping chunks as needed) and puts them first in line, so the
  // first forward does not fault them in: on the VMs this was measured on, a fresh huge page took
  // 4–11 ms to populate, ≈ 50 ms of SmolLM2's first 512-token prefill (a fifth of it on 2 threads).
  void prefault(size_t pages);

  size_t page_bytes() const { return page_bytes_; }
  size_t pages_per_chunk() const { return pages_per_chunk_; }
  size_t mapped_bytes() const;

 private:
  void map_chunk();

  size_t page_bytes_;
  size_t page_stride_;  // page_bytes_, plus a poisoned gap in the sanitizer build
  size_t pages_per_chunk_;
  size_t chunk_bytes_;
  mutable std::mutex mutex_;
  std::vector<HugePageMapping> chunks_;
  std::vector<uint8_t*> free_;   // given back, resident
  std::vector<uint8_t*> fresh_;  // never handed out
};

}  // namespace xc
