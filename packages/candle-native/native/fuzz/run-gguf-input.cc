// One fuzz input: the bytes are a GGUF file. It is loaded as a model (GGUF reader, metadata
// validation, weight binding, the load-time re-lay), given a small context, and, when its shapes are
// small, run for two tokens. Any outcome is fine except a crash, a sanitizer report or a hang.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "run-gguf-input.h"
#include "xcandle.h"

namespace xcfuzz {

namespace {

// One in-memory file reused for every input: no disk traffic.
int memory_file() {
  static const int fd = memfd_create("xcandle-fuzz.gguf", 0);
  return fd;
}

bool write_input(const uint8_t* data, size_t size) {
  const int fd = memory_file();
  if (fd < 0 || ftruncate(fd, 0) != 0) return false;
  size_t written = 0;
  while (written < size) {
    const ssize_t n = pwrite(fd, data + written, size - written, static_cast<off_t>(written));
    if (n <= 0) return false;
    written += static_cast<size_t>(n);
  }
  return true;
}

void run_one_token(xc_model* model, const xc_model_info& info) {
  // Shapes are bounded by the file's bytes only when the loader checks them; keep the work small anyway.
  const bool small = info.vocab_size > 0 && info.vocab_size <= 4096 && info.embedding_length <= 512 &&
                     info.layer_count <= 8 && info.head_count <= 64;
  xc_context_options options{8, 2, 1, XC_KV_F32};
  xc_context* context = nullptr;
  xc_error* error = xc_context_create(model, &options, &context);
  if (error != nullptr) {
    xc_error_free(error);
    return;
  }
  int32_t sequence = -1;
  error = xc_sequence_create(context, &sequence);
  if (error == nullptr && small) {
    const int32_t tokens[2] = {0, info.vocab_size - 1};
    const xc_batch_item item{sequence, tokens, 2, 1};
    std::vector<float> logits(2 * static_cast<size_t>(info.vocab_size));
    xc_error_free(xc_forward(context, &item, 1, logits.data(), nullptr));
  }
  xc_error_free(error);
  xc_context_free(context);
}

}  // namespace

void run_gguf_input(const uint8_t* data, size_t size) {
  if (!write_input(data, size)) return;
  const std::string path = "/proc/self/fd/" + std::to_string(memory_file());
  const bool keep_layout = size > 0 && (data[size - 1] & 1) != 0;
  xc_model_options options{};
  options.device = "cpu";
  options.keep_file_layout = keep_layout ? 1 : 0;
  xc_model* model = nullptr;
  xc_error* error = xc_model_load(path.c_str(), &options, &model);
  if (error == nullptr) {
    xc_model_info info{};
    xc_error* info_error = xc_model_get_info(model, &info);
    if (info_error == nullptr) run_one_token(model, info);
    xc_error_free(info_error);
  }
  xc_error_free(error);
  xc_model_free(model);
}

}  // namespace xcfuzz
