// `device: 'cuda' | 'cuda:N'` at model load: a typed error whose message says which case this is
// (built without CUDA / no CUDA device or index out of range / driver too old), or, with a usable GPU,
// XC_ERR_UNSUPPORTED until the CUDA forward pass exists. Never a silent CPU fallback.
#include <string>

#include "check.h"
#include "xcandle.h"

namespace xch {

namespace {

struct Outcome {
  xc_code code;
  std::string message;
};

Outcome load_on(const std::string& gguf_path, const char* device) {
  xc_model_options options{};
  options.device = device;
  xc_model* model = nullptr;
  xc_error* error = xc_model_load(gguf_path.c_str(), &options, &model);
  Outcome outcome{xc_error_code(error), xc_error_message(error)};
  xc_error_free(error);
  xc_model_free(model);
  return outcome;
}

bool has(const std::string& text, const char* part) { return text.find(part) != std::string::npos; }

}  // namespace

void run_device_probe_checks(Checker& check, const std::string& gguf_path) {
  const std::string info = xc_build_info();
  const bool cuda_built = has(info, "cuda=on (sm_");
  check.expect(cuda_built != has(info, "cuda=off"), "build info says cuda=on (sm_…) or cuda=off", info);

  const Outcome cuda = load_on(gguf_path, "cuda");
  const Outcome far = load_on(gguf_path, "cuda:4096");
  const std::string detail = cuda.message + " | " + far.message;
  if (!cuda_built) {
    check.expect(cuda.code == XC_ERR_NO_DEVICE && has(cuda.message, "built without CUDA") &&
                     far.code == XC_ERR_NO_DEVICE && has(far.message, "built without CUDA"),
                 "cuda and cuda:4096 without CUDA in the build: no device, built without CUDA", detail);
  } else if (cuda.code == XC_ERR_NO_DEVICE) {
    // no usable GPU here: the same reason for any index, and it names it
    const bool says_why = has(cuda.message, "no CUDA device") || has(cuda.message, "driver is too old") ||
                          has(cuda.message, "compute capability");
    check.expect(says_why && far.code == XC_ERR_NO_DEVICE && has(far.message, "cuda:4096"),
                 "cuda without a usable GPU: no device, saying which", detail);
  } else {
    check.expect(cuda.code == XC_ERR_UNSUPPORTED && has(cuda.message, "no CUDA forward pass yet") &&
                     far.code == XC_ERR_NO_DEVICE && has(far.message, "index"),
                 "cuda with a GPU: unsupported (no forward pass yet); cuda:4096: no device with that index", detail);
  }
  check.expect(load_on(gguf_path, "cuda:x").code == XC_ERR_INVALID_ARGUMENT &&
                   load_on(gguf_path, "cuda:").code == XC_ERR_INVALID_ARGUMENT &&
                   load_on(gguf_path, "gpu").code == XC_ERR_INVALID_ARGUMENT,
               "malformed device names are invalid arguments");
}

}  // namespace xch
