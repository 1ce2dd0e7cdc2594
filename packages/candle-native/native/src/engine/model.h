#pragma once

#include <memory>
#include <string>

#include "engine/device.h"
#include "gguf/gguf-file.h"
#include "models/model-config.h"
#include "models/model-weights.h"
#include "xcandle.h"

namespace xc {

// A loaded model: the mapped file, its hyperparameters and views of its weights.
class Model {
 public:
  // `kernels`: the table every context over the model runs; `interleave`: re-lay the matrices it
  // marks for re-laying (see load_model_weights).
  Model(const std::string& path, const Device& device, const KernelTable& kernels, bool interleave);

  const ModelConfig& config() const { return config_; }
  const ModelWeights& weights() const { return weights_; }
  const xc_model_info& info() const { return info_; }
  const Device& device() const { return device_; }
  // The table the weights were laid out for.
  const KernelTable& kernels() const { return *kernels_; }
  int vocab_size() const { return static_cast<int>(weights_.output.rows); }

 private:
  std::unique_ptr<GgufFile> file_;
  Device device_;
  const KernelTable* kernels_;
  ModelConfig config_;
  ModelWeights weights_;
  xc_model_info info_{};
};

}  // namespace xc
