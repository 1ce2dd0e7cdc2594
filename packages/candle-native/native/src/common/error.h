#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

#include "xcandle.h"

namespace xc {

// The one exception type the engine throws; the C API turns it into an xc_error.
class Error : public std::runtime_error {
 public:
  Error(xc_code code, const std::string& message, int64_t offset = -1)
      : std::runtime_error(message), code_(code), offset_(offset) {}
  xc_code code() const { return code_; }
  int64_t offset() const { return offset_; }

 private:
  xc_code code_;
  int64_t offset_;
};

[[noreturn]] inline void fail(xc_code code, const std::string& message, int64_t offset = -1) {
  throw Error(code, message, offset);
}

}  // namespace xc
