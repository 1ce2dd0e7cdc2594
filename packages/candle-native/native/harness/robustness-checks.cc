// Bad input never crashes: truncated, corrupted and inconsistent files, and misuse of the C API,
// each come back as an xc_error with the right code.
#include <algorithm>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <random>

#include "check.h"
#include "gguf-writer.h"
#include "kernels/cpu/kernel-table.h"
#include "run-gguf-input.h"
#include "session.h"

namespace xch {

namespace {

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(file), {});
}

void write_file(const std::string& path, const uint8_t* data, size_t size) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
}

xc_error* load(const std::string& path, xc_model** model = nullptr) {
  xc_model* loaded = nullptr;
  xc_error* error = xc_model_load(path.c_str(), nullptr, &loaded);
  if (model != nullptr) {
    *model = loaded;
  } else {
    xc_model_free(loaded);
  }
  return error;
}

// Offset just after the name of tensor `name` in its tensor-info record.
size_t tensor_info(const std::vector<uint8_t>& bytes, const std::string& name) {
  std::vector<uint8_t> needle(8 + name.size());
  const uint64_t length = name.size();
  std::memcpy(needle.data(), &length, 8);
  std::memcpy(needle.data() + 8, name.data(), name.size());
  auto at = std::search(bytes.begin(), bytes.end(), needle.begin(), needle.end());
  return at == bytes.end() ? 0 : static_cast<size_t>(at - bytes.begin()) + needle.size();
}

void check_files(Checker& check, const std::string& gguf_path, const std::string& dir) {
  check.expect_code(load(dir + "/missing.gguf"), XC_ERR_IO, "missing file → XC_ERR_IO");
  write_file(dir + "/empty.gguf", nullptr, 0);
  check.expect_code(load(dir + "/empty.gguf"), XC_ERR_FORMAT, "empty file → XC_ERR_FORMAT");
  const std::vector<uint8_t> original = read_file(gguf_path);
  std::vector<uint8_t> bytes = original;
  bytes[0] = 'X';
  write_file(dir + "/magic.gguf", bytes.data(), bytes.size());
  xc_error* error = load(dir + "/magic.gguf");
  check.expect(xc_error_offset(error) == 0, "bad magic reports offset 0");
  check.expect_code(error, XC_ERR_FORMAT, "bad magic → XC_ERR_FORMAT");

  // every truncation of the header, and a spread through the tensor data
  std::vector<size_t> cuts;
  const size_t header_end = std::min(original.size(), tensor_info(original, "output.weight") + 32);
  for (size_t n = 1; n < header_end; n += (n < 300 ? 1 : 23)) cuts.push_back(n);
  for (int i = 1; i < 40; i++) cuts.push_back(original.size() * i / 40);
  cuts.push_back(original.size() - 1);
  int wrong = 0, without_offset = 0;
  for (size_t n : cuts) {
    write_file(dir + "/cut.gguf", original.data(), n);
    error = load(dir + "/cut.gguf");
    wrong += xc_error_code(error) != XC_ERR_FORMAT;
    without_offset += xc_error_offset(error) < 0;
    xc_error_free(error);
  }
  check.expect(wrong == 0, std::to_string(cuts.size()) + " truncated files → XC_ERR_FORMAT",
               std::to_string(wrong) + " did not");
  check.expect(without_offset == 0, "truncation errors carry a file offset", std::to_string(without_offset) + " without");

  // random byte corruption of the header region: load, and if it loads, run it
  std::mt19937 engine(3);
  const size_t header = header_end;
  int bad_codes = 0;
  for (int trial = 0; trial < 300; trial++) {
    bytes = original;
    for (int k = 0; k < 1 + trial % 4; k++) bytes[engine() % header] = static_cast<uint8_t>(engine());
    write_file(dir + "/fuzz.gguf", bytes.data(), bytes.size());
    xc_model* model = nullptr;
    error = load(dir + "/fuzz.gguf", &model);
    bad_codes += error != nullptr && (xc_error_code(error) < XC_ERR_IO || xc_error_code(error) > XC_ERR_INTERNAL);
    xc_error_free(error);
    if (model == nullptr) continue;
    xc_context_options options{16, 1, 1, XC_KV_F16};
    xc_context* context = nullptr;
    xc_error_free(xc_context_create(model, &options, &context));
    int32_t sequence = 0;
    if (context != nullptr && xc_sequence_create(context, &sequence) == nullptr) {
      xc_model_info info{};
      xc_error_free(xc_model_get_info(model, &info));
      const int32_t tokens[3] = {1, 2, 3};
      std::vector<float> logits(static_cast<size_t>(std::max(info.vocab_size, 1)));
      const xc_batch_item item{sequence, tokens, 3, 0};
      xc_error_free(xc_forward(context, &item, 1, logits.data(), nullptr));
    }
    xc_context_free(context);
    xc_model_free(model);
  }
  check.expect(bad_codes == 0, "300 corrupted headers: errors or a working model, never a crash");

  SynthSpec spec;
  spec.architecture = "mamba";
  write_synth_model(spec, dir + "/mamba.gguf");
  check.expect_code(load(dir + "/mamba.gguf"), XC_ERR_UNSUPPORTED, "unknown architecture → XC_ERR_UNSUPPORTED");

  spec.architecture = "llama";
  write_synth_model(spec, dir + "/good.gguf");
  const std::vector<uint8_t> good = read_file(dir + "/good.gguf");
  check.expect_code(load(dir + "/good.gguf"), XC_OK, "synthetic llama loads");
  const size_t q_info = tensor_info(good, "blk.0.attn_q.weight");
  // record: u32 dims, u64 shape[2], u32 type, u64 offset
  bytes = good;
  const uint64_t rows = 32;
  std::memcpy(bytes.data() + q_info + 4 + 8, &rows, 8);
  write_file(dir + "/shape.gguf", bytes.data(), bytes.size());
  check.expect_code(load(dir + "/shape.gguf"), XC_ERR_FORMAT, "wrong tensor shape → XC_ERR_FORMAT");
  bytes = good;
  const uint32_t q4_1 = 3;
  std::memcpy(bytes.data() + q_info + 4 + 16, &q4_1, 4);
  write_file(dir + "/type.gguf", bytes.data(), bytes.size());
  check.expect_code(load(dir + "/type.gguf"), XC_ERR_UNSUPPORTED, "unsupported tensor type → XC_ERR_UNSUPPORTED");
  bytes = good;
  const uint64_t far = 1ull << 40;
  std::memcpy(bytes.data() + q_info + 4 + 16 + 4, &far, 8);
  write_file(dir + "/bounds.gguf", bytes.data(), bytes.size());
  error = load(dir + "/bounds.gguf");
  check.expect(xc_error_offset(error) > 0, "out-of-bounds tensor error names the tensor-info offset");
  check.expect_code(error, XC_ERR_FORMAT, "tensor beyond the end of the file → XC_ERR_FORMAT");
}

void check_api(Checker& check, const std::string& gguf_path) {
  xc_model* model = nullptr;
  check.expect_code(xc_model_load(nullptr, nullptr, &model), XC_ERR_INVALID_ARGUMENT, "null path");
  xc_model_options cuda{};
  cuda.device = "cuda:0";
  check.expect_code(xc_model_load(gguf_path.c_str(), &cuda, &model), XC_ERR_NO_DEVICE, "cuda without CUDA → XC_ERR_NO_DEVICE");
  xc_model_options tpu{};
  tpu.device = "tpu";
  check.expect_code(xc_model_load(gguf_path.c_str(), &tpu, &model), XC_ERR_INVALID_ARGUMENT, "unknown device");
  xc_model_options mmx{};
  mmx.kernels = "mmx";
  check.expect_code(xc_model_load(gguf_path.c_str(), &mmx, &model), XC_ERR_INVALID_ARGUMENT, "unknown kernel table");
  if (xc::avx512_kernels() == nullptr) {
    xc_model_options avx512{};
    avx512.kernels = "avx512";
    check.expect_code(xc_model_load(gguf_path.c_str(), &avx512, &model), XC_ERR_UNSUPPORTED,
                      "kernel table the CPU lacks → XC_ERR_UNSUPPORTED");
  }
  check.expect(xc_error_code(nullptr) == XC_OK && xc_error_offset(nullptr) == -1, "null error reads as success");
  xc_error_free(nullptr);

  ok(xc_model_load(gguf_path.c_str(), nullptr, &model), "load");
  xc_context* context = nullptr;
  xc_context_options bad_threads{0, 0, -2, XC_KV_F16};
  check.expect_code(xc_context_create(model, &bad_threads, &context), XC_ERR_INVALID_ARGUMENT, "negative threads");
  xc_context_options bad_kv{0, 0, 1, XC_KV_F16};
  const int32_t seven = 7;
  std::memcpy(&bad_kv.kv_type, &seven, sizeof(seven));
  check.expect_code(xc_context_create(model, &bad_kv, &context), XC_ERR_INVALID_ARGUMENT, "unknown kv type");
  xc_context_options small{8, 2, 2, XC_KV_F16};
  ok(xc_context_create(model, &small, &context), "context");
  xc_model_free(model);  // the context keeps the weights alive

  int32_t a = -1, b = -1, c = -1;
  ok(xc_sequence_create(context, &a), "sequence");
  ok(xc_sequence_create(context, &b), "sequence");
  check.expect_code(xc_sequence_create(context, &c), XC_ERR_INVALID_ARGUMENT, "more sequences than max_sequences");
  std::vector<float> logits(512 * 9);
  const int32_t tokens[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const int32_t bad_token[2] = {1, 512};
  xc_batch_item item{a, bad_token, 2, 0};
  check.expect_code(xc_forward(context, &item, 1, logits.data(), nullptr), XC_ERR_INVALID_ARGUMENT, "token ≥ vocab");
  item = {a, tokens, 0, 0};
  check.expect_code(xc_forward(context, &item, 1, logits.data(), nullptr), XC_ERR_INVALID_ARGUMENT, "empty item");
  item = {99, tokens, 1, 0};
  check.expect_code(xc_forward(context, &item, 1, logits.data(), nullptr), XC_ERR_INVALID_ARGUMENT, "unknown sequence");
  item = {a, tokens, 9, 1};
  check.expect_code(xc_forward(context, &item, 1, logits.data(), nullptr), XC_ERR_CONTEXT_FULL, "9 tokens in a context of 8");
  item = {a, tokens, 5, 1};
  const xc_batch_item over[2] = {{a, tokens, 5, 0}, {a, tokens, 4, 0}};
  check.expect_code(xc_forward(context, over, 2, logits.data(), nullptr), XC_ERR_CONTEXT_FULL,
                    "two items of one sequence overflowing together");
  const volatile int32_t aborted = 1;
  check.expect_code(xc_forward(context, &item, 1, logits.data(), &aborted), XC_ERR_ABORTED, "abort flag → XC_ERR_ABORTED");
  int32_t length = -1;
  ok(xc_sequence_length(context, a, &length), "length");
  check.expect(length == 0, "rejected and aborted calls leave the sequence as it was", std::to_string(length));
  check.expect_code(xc_forward(context, &item, 1, logits.data(), nullptr), XC_OK, "5 tokens fit");
  check.expect_code(xc_sequence_truncate(context, a, 6), XC_ERR_INVALID_ARGUMENT, "truncate beyond the length");
  check.expect_code(xc_sequence_fork(context, a, 6, &c), XC_ERR_INVALID_ARGUMENT, "fork beyond the length");
  check.expect_code(xc_sequence_release(context, b), XC_OK, "release");
  check.expect_code(xc_sequence_release(context, b), XC_ERR_INVALID_ARGUMENT, "release twice");
  check.expect_code(xc_sequence_fork(context, a, -1, &c), XC_OK, "fork all");
  ok(xc_sequence_length(context, c, &length), "length");
  check.expect(length == 5, "fork(-1) copies the whole length");
  check.expect_code(xc_forward(context, nullptr, 1, logits.data(), nullptr), XC_ERR_INVALID_ARGUMENT, "null items");
  item = {c, tokens, 1, 0};
  check.expect_code(xc_forward(context, &item, 1, nullptr, nullptr), XC_ERR_INVALID_ARGUMENT, "null logits");
  xc_context_free(context);
}

// Every committed fuzz seed and every input that once crashed the fuzzer (fuzz/regressions/) runs
// through the fuzz target's body: reaching the end without a crash or sanitizer report is the check.
void check_fuzz_inputs(Checker& check) {
  int replayed = 0;
  for (const char* folder : {"corpus", "regressions"}) {
    const std::filesystem::path dir = std::filesystem::path(XC_FUZZ_DIR) / folder;
    if (!std::filesystem::is_directory(dir)) continue;
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (!entry.is_regular_file() || entry.path().extension() == ".md") continue;
      const std::vector<uint8_t> bytes = read_file(entry.path().string());
      xcfuzz::run_gguf_input(bytes.data(), bytes.size());
      replayed++;
    }
  }
  check.expect(replayed > 0, std::to_string(replayed) + " fuzz corpus and regression inputs replay without a crash");
}

}  // namespace

void run_robustness_checks(Checker& check, const std::string& gguf_path, const std::string& temp_dir) {
  check_files(check, gguf_path, temp_dir);
  check_api(check, gguf_path);
  check_fuzz_inputs(check);
}

}  // namespace xch
