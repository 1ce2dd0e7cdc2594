// libFuzzer target for the GGUF reader and model loader (see scripts/fuzz.sh).
#include "run-gguf-input.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  xcfuzz::run_gguf_input(data, size);
  return 0;
}
