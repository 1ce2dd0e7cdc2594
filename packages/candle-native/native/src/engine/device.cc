#include "engine/device.h"

#include <cstdlib>
#include <cstring>

#include "common/error.h"

namespace xc {

Device parse_device(const char* text) {
  if (text == nullptr || *text == '\0' || std::strcmp(text, "cpu") == 0) return Device{};
  if (std::strncmp(text, "cuda", 4) == 0) {
    const char* rest = text + 4;
    if (*rest == '\0' || (*rest == ':' && rest[1] >= '0' && rest[1] <= '9')) {
      fail(XC_ERR_NO_DEVICE, std::string("device '") + text + "' requested, but this build has no CUDA backend");
    }
  }
  fail(XC_ERR_INVALID_ARGUMENT, std::string("unknown device '") + text + "' (expected cpu, cuda or cuda:N)");
}

}  // namespace xc
