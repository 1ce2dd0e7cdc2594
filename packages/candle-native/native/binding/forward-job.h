#pragma once

#include <cstdint>
#include <vector>

#include "native-failure.h"

namespace xcandle_binding {

struct ContextState;

// A JS batch converted on the JS thread into plain data that any thread can own.
struct ForwardJob {
  std::vector<int32_t> sequences;
  std::vector<int32_t> tokenCounts;
  std::vector<int32_t> logitsAll;
  std::vector<int32_t> tokens;  // every item's tokens, concatenated in order
  // forwardArgmax's token masks, maskWords words each, and per output row (every item's rows, in
  // order) its mask's offset into masks or -1 (every token allowed). Both empty when no item has a mask.
  std::vector<uint32_t> masks;
  std::vector<int64_t> rowMaskOffsets;
  size_t maskWords = 0;
};

// Where the forward writes: logits (xc_forward) or each row's argmax id (xc_forward_argmax).
struct ForwardOutput {
  float* logits = nullptr;
  int32_t* tokenIds = nullptr;
};

// Runs `job` on the calling thread under the context's mutex. Touches no N-API, so a worker thread
// may call it; every failure (engine error, C++ exception, a context freed meanwhile) comes back as data.
NativeFailure RunForward(ContextState& state, const ForwardJob& job, ForwardOutput output,
                         volatile int32_t* abortFlag);

}  // namespace xcandle_binding
