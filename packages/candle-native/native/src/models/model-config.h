#pragma once

#include <string>

#include "gguf/gguf-file.h"
#include "models/arch-table.h"

namespace xc {

// Hyperparameters of one llama-family model, read from the `{arch}.*` GGUF keys.
struct ModelConfig {
  std::string architecture;
  const ArchSpec* arch = nullptr;
  int embedding_length = 0;
  int feed_forward_length = 0;
  int layer_count = 0;
  int head_count = 0;
  int head_count_kv = 0;
  int head_dim = 0;
  int trained_context_length = 0;
  float rms_epsilon = 1e-5f;
  int rope_dims = 0;
  float rope_base = 10000.0f;
  float rope_scale = 1.0f;  // frequency scale: 1 / the linear or YaRN factor
  // rope.scaling.* as llama.cpp reads them (YaRN: ext_factor 1, betas 32 and 1)
  int rope_original_context = 0;
  float rope_attn_factor = 1.0f;
  float rope_ext_factor = 0;
  float rope_beta_fast = 32.0f;
  float rope_beta_slow = 1.0f;
  int sliding_window = 0;
  float attention_scale = 1.0f;
  float attention_softcap = 0;
  float final_softcap = 0;

  bool is_sliding_layer(int layer) const {
    const int pattern = arch->sliding_window_pattern;
    return sliding_window > 0 && pattern > 0 && layer % pattern < pattern - 1;
  }
  // The rotation of a layer: Gemma 3's sliding layers use their own base and no scale; YaRN's ramp and magnitude.
  cpu::RopeParams rope_params(bool sliding, const float* freq_factors) const;
};

ModelConfig read_model_config(const GgufFile& file);

}  // namespace xc
