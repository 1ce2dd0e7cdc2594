// KvPagePool: pages are aligned, disjoint and writable end to end, a page given back is the next one
// handed out (no new chunk), chunks waste little of their huge-page rounding, and prefaulted pages come first.
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <set>
#include <string>
#include <vector>

#include "check.h"
#include "engine/kv-page-pool.h"

namespace xch {

namespace {

// Page sizes of real caches: SmolLM2-135M f16 (30 layers × 3 KV heads × 64), Qwen2.5-0.5B (24 × 2 × 64),
// an 8B llama (32 × 8 × 128), and an odd size that is not a multiple of 64.
constexpr size_t kPageSizes[] = {30 * 2 * 3 * 64 * 64 * 2, 24 * 2 * 2 * 64 * 64 * 2, 32 * 2 * 8 * 64 * 128 * 2, 100003};

void check_pool(Checker& check, size_t page_bytes) {
  const std::string name = "kv page pool (" + std::to_string(page_bytes) + " B pages)";
  xc::KvPagePool pool(page_bytes);
  const size_t per_chunk = pool.pages_per_chunk();
  const size_t chunk = pool.mapped_bytes();
  check.expect(chunk == 0 && per_chunk >= 1, name + ": maps nothing before the first page");
  check.expect(pool.page_bytes() % 64 == 0 && pool.page_bytes() >= page_bytes, name + ": page size rounded to 64 bytes");

  std::vector<uint8_t*> pages;
  for (size_t i = 0; i < per_chunk + 1; i++) pages.push_back(pool.acquire());
  const size_t one_chunk = pool.mapped_bytes() / 2;
  check.expect(pool.mapped_bytes() == 2 * one_chunk && one_chunk >= per_chunk * pool.page_bytes(),
               name + ": a second chunk only once the first is used up");
  const double waste = 1.0 - static_cast<double>(per_chunk * pool.page_bytes()) / static_cast<double>(one_chunk);
  check.expect(waste < 0.2, name + ": a chunk wastes under 20% of its huge-page rounding", "waste " + number(waste));
  check.expect(reinterpret_cast<uintptr_t>(pages[0]) % (size_t{2} << 20) == 0, name + ": a chunk starts on a huge page");

  bool aligned = true, disjoint = true, intact = true;
  std::set<uintptr_t> starts;
  for (size_t i = 0; i < pages.size(); i++) {
    aligned &= reinterpret_cast<uintptr_t>(pages[i]) % 64 == 0;
    std::memset(pages[i], static_cast<int>(i + 1), page_bytes);
    starts.insert(reinterpret_cast<uintptr_t>(pages[i]));
  }
  uintptr_t previous_end = 0;
  for (uintptr_t start : starts) {
    disjoint &= start >= previous_end;
    previous_end = start + page_bytes;
  }
  for (size_t i = 0; i < pages.size(); i++) {
    intact &= pages[i][0] == static_cast<uint8_t>(i + 1) && pages[i][page_bytes - 1] == static_cast<uint8_t>(i + 1);
  }
  check.expect(aligned && disjoint && intact, name + ": pages are 64-byte aligned, disjoint and keep what is written");

  pool.give_back(pages[1]);
  uint8_t* again = pool.acquire();
  check.expect(again == pages[1] && pool.mapped_bytes() == 2 * one_chunk, name + ": a page given back is handed out next");
  for (uint8_t* page : pages) pool.give_back(page);

  // prefault: the pages are mapped before anyone asks, then handed out front first with no new chunk
  xc::KvPagePool ready(page_bytes);
  const size_t count = per_chunk + 1;
  ready.prefault(count);
  const size_t mapped = ready.mapped_bytes();
  std::vector<uint8_t*> taken;
  for (size_t i = 0; i < count; i++) taken.push_back(ready.acquire());
  // Front first: consecutive pages one stride apart (a page, plus the sanitizer build's red zone).
  bool in_order = reinterpret_cast<uintptr_t>(taken[0]) % (size_t{2} << 20) == 0;
  const std::ptrdiff_t stride = per_chunk > 1 ? taken[1] - taken[0] : 0;
  in_order &= per_chunk == 1 || stride >= static_cast<std::ptrdiff_t>(ready.page_bytes());
  for (size_t i = 1; i < per_chunk; i++) in_order &= taken[i] - taken[i - 1] == stride;
  check.expect(mapped == 2 * one_chunk && ready.mapped_bytes() == mapped && in_order,
               name + ": prefault maps the chunks its pages need and hands them out from the front, mapping nothing more");
  for (uint8_t* page : taken) ready.give_back(page);
}

}  // namespace

void run_kv_page_pool_checks(Checker& check) {
  for (size_t page_bytes : kPageSizes) check_pool(check, page_bytes);
}

}  // namespace xch
