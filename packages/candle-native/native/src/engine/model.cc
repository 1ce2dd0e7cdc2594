#include "engine/model.h"

#include <cstring>

namespace xc {

namespace {

void copy_text(char* out, size_t size, const std::string& text) {
  std::strncpy(out, text.c_str(), size - 1);
  out[size - 1] = '\0';
}

}  // namespace

Model::Model(const std::string& path, const Device& device, const KernelTable& kernels, bool interleave)
    : file_(std::make_unique<GgufFile>(path)),
      device_(device),
      kernels_(&kernels),
      config_(read_model_config(*file_)),
      weights_(load_model_weights(*file_, config_, kernels, interleave)) {
  copy_text(info_.architecture, sizeof(info_.architecture), config_.architecture);
  const GgufValue* name = file_->find("general.name");
  copy_text(info_.name, sizeof(info_.name),
            name != nullptr && name->type == GgufValueType::STRING ? std::string(name->text) : std::string());
  copy_text(info_.weight_type, sizeof(info_.weight_type), ggml_type_name(weights_.dominant_type));
  info_.vocab_size = vocab_size();
  info_.context_length = config_.trained_context_length;
  info_.embedding_length = config_.embedding_length;
  info_.layer_count = config_.layer_count;
  info_.head_count = config_.head_count;
  info_.head_count_kv = config_.head_count_kv;
  int64_t bytes = 0;
  for (const GgufTensor& tensor : file_->tensors()) bytes += static_cast<int64_t>(tensor.bytes);
  info_.weight_bytes = bytes;
  info_.relaid_bytes = weights_.relaid_bytes;
  copy_text(info_.device, sizeof(info_.device), device_.name());
}

}  // namespace xc
