#include "native-failure.h"

namespace xcandle_binding {

NativeFailure NativeFailure::Take(xc_error* error) {
  NativeFailure failure;
  if (error == nullptr) return failure;
  failure.code = xc_error_code(error);
  const char* message = xc_error_message(error);
  failure.message = message != nullptr ? message : "";
  failure.offset = xc_error_offset(error);
  xc_error_free(error);
  // A buggy engine must not turn a failure into a success.
  if (failure.code == XC_OK) failure.code = XC_ERR_INTERNAL;
  return failure;
}

NativeFailure NativeFailure::Internal(const std::string& message) {
  NativeFailure failure;
  failure.code = XC_ERR_INTERNAL;
  failure.message = message;
  return failure;
}

const char* CodeName(int code) {
  switch (code) {
    case XC_OK: return "XC_OK";
    case XC_ERR_IO: return "XC_ERR_IO";
    case XC_ERR_FORMAT: return "XC_ERR_FORMAT";
    case XC_ERR_UNSUPPORTED: return "XC_ERR_UNSUPPORTED";
    case XC_ERR_OUT_OF_MEMORY: return "XC_ERR_OUT_OF_MEMORY";
    case XC_ERR_CONTEXT_FULL: return "XC_ERR_CONTEXT_FULL";
    case XC_ERR_INVALID_ARGUMENT: return "XC_ERR_INVALID_ARGUMENT";
    case XC_ERR_ABORTED: return "XC_ERR_ABORTED";
    case XC_ERR_NO_DEVICE: return "XC_ERR_NO_DEVICE";
    case XC_ERR_INTERNAL: return "XC_ERR_INTERNAL";
    default: return "XC_ERR_UNKNOWN";
  }
}

Napi::Error ToJsError(Napi::Env env, const NativeFailure& failure) {
  Napi::Error error = Napi::Error::New(env, failure.message.empty() ? CodeName(failure.code) : failure.message);
  error.Set("xcCode", Napi::Number::New(env, failure.code));
  error.Set("xcCodeName", Napi::String::New(env, CodeName(failure.code)));
  if (failure.offset >= 0) error.Set("offset", Napi::Number::New(env, static_cast<double>(failure.offset)));
  return error;
}

void ThrowIfFailed(Napi::Env env, xc_error* error) {
  if (error == nullptr) return;
  throw ToJsError(env, NativeFailure::Take(error));
}

}  // namespace xcandle_binding
