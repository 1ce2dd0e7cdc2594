// LogitsRows: maps room for its rows-ahead count the first time, keeps its pointer while a batch fits,
// maps again (writable end to end) only for a batch with more rows than it has room for.
#include <cstdint>
#include <string>

#include "check.h"
#include "engine/logits-rows.h"

namespace xch {

namespace {

bool writable(float* rows, size_t count) {
  for (size_t i = 0; i < count; i++) rows[i] = static_cast<float>(i);
  for (size_t i = 0; i < count; i++) {
    if (rows[i] != static_cast<float>(i)) return false;
  }
  return true;
}

// A vocabulary of `vocab` floats a row, room mapped first for `ahead` rows.
void check_rows(Checker& check, size_t vocab, size_t ahead) {
  const std::string name = "logits rows (" + std::to_string(vocab) + " a row, " + std::to_string(ahead) + " ahead)";
  xc::LogitsRows logits(vocab, ahead);
  check.expect(logits.capacity() == 0 && logits.reserve(0) == nullptr, name + ": maps nothing before a row is asked for");
  float* first = logits.reserve(1);
  const size_t room = logits.capacity();
  check.expect(first != nullptr && room >= ahead, name + ": the first row maps room for the rows ahead",
               "capacity " + number(static_cast<double>(room)));
  check.expect(reinterpret_cast<uintptr_t>(first) % xc::kHugePageBytes == 0, name + ": starts on a huge page");
  check.expect(logits.reserve(room) == first && logits.capacity() == room, name + ": a batch that fits keeps the rows");
  check.expect(writable(first, room * vocab), name + ": the room is writable end to end");
  float* grown = logits.reserve(room + 1);
  check.expect(grown != nullptr && logits.capacity() >= room + 1, name + ": a larger batch maps more room",
               "capacity " + number(static_cast<double>(logits.capacity())));
  check.expect(writable(grown, (room + 1) * vocab), name + ": the larger room is writable end to end");
  check.expect(logits.reserve(1) == grown, name + ": a smaller batch keeps the larger room");
}

}  // namespace

void run_logits_rows_checks(Checker& check) {
  check_rows(check, 49152, 32);  // SmolLM2's vocabulary, the context's 32 rows ahead
  check_rows(check, 512, 3);     // stories260K, 3 sequences: 1,024 rows fit in one huge page
  check_rows(check, 151936, 1);  // Qwen2.5's vocabulary, one sequence
}

}  // namespace xch
