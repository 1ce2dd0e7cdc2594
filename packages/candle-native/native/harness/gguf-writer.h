#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gguf/ggml-type.h"

namespace xch {

// Encodes f32 values as one GGUF tensor type (simple, not llama.cpp-optimal, quantizers).
std::vector<uint8_t> encode_tensor(xc::GgmlType type, const std::vector<float>& values, int64_t row_length);

// A minimal GGUF v3 writer for synthetic test and benchmark models.
class GgufWriter {
 public:
  void add_string(const std::string& key, const std::string& value);
  void add_u32(const std::string& key, uint32_t value);
  void add_f32(const std::string& key, float value);
  void add_string_array(const std::string& key, const std::vector<std::string>& values);
  void add_f32_array(const std::string& key, const std::vector<float>& values);
  void add_i32_array(const std::string& key, const std::vector<int32_t>& values);
  // shape in ggml order (shape[0] = row length).
  void add_tensor(const std::string& name, std::vector<int64_t> shape, xc::GgmlType type, std::vector<uint8_t> data);
  void write(const std::string& path) const;

 private:
  struct Tensor {
    std::string name;
    std::vector<int64_t> shape;
    xc::GgmlType type;
    std::vector<uint8_t> data;
  };
  std::vector<uint8_t> metadata_;
  uint64_t metadata_count_ = 0;
  std::vector<Tensor> tensors_;
};

// A random llama-family model in GGUF form.
struct SynthSpec {
  std::string architecture = "llama";
  int embedding = 64;
  int layers = 2;
  int heads = 4;
  int kv_heads = 2;
  int head_dim = 0;  // 0: embedding / heads
  int feed_forward = 128;
  int vocab = 256;
  int context = 512;
  xc::GgmlType type = xc::GgmlType::F32;
  bool tied_embeddings = false;
  bool with_tokenizer = false;  // a dummy SentencePiece vocabulary, so llama.cpp can load it
  uint32_t seed = 1;
  float rope_base = 10000.0f;
};
void write_synth_model(const SynthSpec& spec, const std::string& path);

}  // namespace xch
