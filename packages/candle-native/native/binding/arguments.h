#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace xcandle_binding {

// Last-guard checks only: the TS layer validates with precise messages before calling in.
inline int32_t RequireInt32(const Napi::CallbackInfo& info, size_t index, const char* name) {
  Napi::Value value = info[index];
  if (!value.IsNumber()) throw Napi::TypeError::New(info.Env(), std::string(name) + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < INT32_MIN || number > INT32_MAX) {
    throw Napi::RangeError::New(info.Env(), std::string(name) + " must be a 32-bit integer");
  }
  return static_cast<int32_t>(number);
}

inline int32_t OptionalInt32(Napi::Object object, const char* key, int32_t fallback) {
  Napi::Value value = object.Get(key);
  if (value.IsUndefined()) return fallback;
  if (!value.IsNumber()) throw Napi::TypeError::New(object.Env(), std::string(key) + " must be a number");
  double number = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(number) || std::trunc(number) != number || number < INT32_MIN || number > INT32_MAX) {
    throw Napi::RangeError::New(object.Env(), std::string(key) + " must be a 32-bit integer");
  }
  return static_cast<int32_t>(number);
}

}  // namespace xcandle_binding
