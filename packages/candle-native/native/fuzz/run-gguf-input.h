#pragma once

#include <cstddef>
#include <cstdint>

namespace xcfuzz {

// Loads `data` as a GGUF model through the C API and, when it loads, runs it briefly. Errors are
// expected outcomes; only crashes and sanitizer reports are findings. Used by the libFuzzer target
// and by the C++ harness, which replays the committed corpus and regression inputs.
void run_gguf_input(const uint8_t* data, size_t size);

}  // namespace xcfuzz
