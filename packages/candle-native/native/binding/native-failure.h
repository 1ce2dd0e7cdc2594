#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "xcandle.h"

namespace xcandle_binding {

// An xc_error (or a C++ exception) copied into plain data, so a worker thread can record it
// without touching N-API and the JS thread can turn it into an Error later.
struct NativeFailure {
  int code = XC_OK;
  std::string message;
  int64_t offset = -1;

  bool Failed() const { return code != XC_OK; }
  // Copies `error` and frees it; a null error stays a success.
  static NativeFailure Take(xc_error* error);
  static NativeFailure Internal(const std::string& message);
};

const char* CodeName(int code);

// An Error whose `xcCode`, `xcCodeName` and `offset` properties let the TS layer pick the class.
Napi::Error ToJsError(Napi::Env env, const NativeFailure& failure);

// Throws (as a C++ Napi::Error, rethrown into JS by node-addon-api) when `error` is not null.
void ThrowIfFailed(Napi::Env env, xc_error* error);

}  // namespace xcandle_binding
