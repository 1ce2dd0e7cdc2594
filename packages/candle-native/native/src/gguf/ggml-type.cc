#include "gguf/ggml-type.h"

namespace xc {

GgmlTypeTraits ggml_type_traits(uint32_t type) {
  switch (type) {
    case 0: return {"F32", 1, 4, true};
    case 1: return {"F16", 1, 2, true};
    case 2: return {"Q4_0", 32, 18, true};
    case 3: return {"Q4_1", 32, 20, false};
    case 6: return {"Q5_0", 32, 22, true};
    case 7: return {"Q5_1", 32, 24, false};
    case 8: return {"Q8_0", 32, 34, true};
    case 9: return {"Q8_1", 32, 36, false};
    case 10: return {"Q2_K", 256, 84, false};
    case 11: return {"Q3_K", 256, 110, false};
    case 12: return {"Q4_K", 256, 144, true};
    case 13: return {"Q5_K", 256, 176, false};
    case 14: return {"Q6_K", 256, 210, true};
    case 15: return {"Q8_K", 256, 292, false};
    case 30: return {"BF16", 1, 2, true};
    default: return {nullptr, 0, 0, false};
  }
}

const char* ggml_type_name(GgmlType type) {
  const char* name = ggml_type_traits(static_cast<uint32_t>(type)).name;
  return name != nullptr ? name : "unknown";
}

}  // namespace xc
