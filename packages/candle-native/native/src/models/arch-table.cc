#include "models/arch-table.h"

namespace xc {

namespace {

using cpu::RopeStyle;

constexpr ArchSpec kArchitectures[] = {
    // name     rope              bias   qkv    gateup qknorm post   scale  activation               swa  window rope_swa  caps         q-scale
    {"llama", RopeStyle::Normal, false, false, false, false, false, false, FfnActivation::Silu, 0, 0, 0, 0, 0, 0},
    {"qwen2", RopeStyle::Neox, true, false, false, false, false, false, FfnActivation::Silu, 0, 0, 0, 0, 0, 0},
    {"qwen3", RopeStyle::Neox, false, false, false, true, false, false, FfnActivation::Silu, 0, 0, 0, 0, 0, 0},
    {"phi3", RopeStyle::Neox, false, true, true, false, false, false, FfnActivation::Silu, 0, 0, 0, 0, 0, 0},
    {"gemma2", RopeStyle::Neox, false, false, false, false, true, true, FfnActivation::GeluTanh, 2, 4096, 0, 50, 30, 46},
    {"gemma3", RopeStyle::Neox, false, false, false, true, true, true, FfnActivation::GeluTanh, 6, 0, 10000, 0, 0, 62},
};

}  // namespace

const ArchSpec* find_arch(std::string_view architecture) {
  for (const ArchSpec& spec : kArchitectures) {
    if (architecture == spec.name) return &spec;
  }
  return nullptr;
}

std::string supported_architectures() {
  std::string names;
  for (const ArchSpec& spec : kArchitectures) {
    if (!names.empty()) names += ", ";
    names += spec.name;
  }
  return names;
}

}  // namespace xc
