#include "models/model-config.h"

#include <algorithm>
#include <cmath>

#include "common/error.h"

namespace xc {

namespace {

class MetadataReader {
 public:
  MetadataReader(const GgufFile& file, std::string prefix) : file_(file), prefix_(std::move(prefix)) {}

  const GgufValue* find(const std::string& key) const { return file_.find(prefix_ + key); }

  double number(const std::string& key) const {
    const GgufValue* value = find(key);
    if (value == nullptr) fail(XC_ERR_FORMAT, "missing metadata key " + prefix_ + key);
    return scalar(key, *value);
  }
  double number(const std::string& key, double fallback) const {
    const GgufValue* value = find(key);
    return value == nullptr ? fallback : scalar(key, *value);
  }
  // Some converters write per-layer arrays; only uniform ones are supported.
  double uniform(const std::string& key, const double* fallback = nullptr) const {
    const GgufValue* value = find(key);
    if (value == nullptr && fallback != nullptr) return *fallback;
    if (value != nullptr && value->type == GgufValueType::ARRAY && value->count > 0) {
      const double first = file_.array_number(*value, 0);
      for (uint64_t i = 1; i < value->count; i++) {
        if (file_.array_number(*value, i) != first) {
          fail(XC_ERR_UNSUPPORTED, "per-layer " + prefix_ + key + " is not supported", static_cast<int64_t>(value->offset));
        }
      }
      return first;
    }
    return number(key);
  }

 private:
  double scalar(const std::string& key, const GgufValue& value) const {
    if (value.type == GgufValueType::STRING || value.type == GgufValueType::ARRAY) {
      fail(XC_ERR_FORMAT, "metadata key " + prefix_ + key + " is not a number", static_cast<int64_t>(value.offset));
    }
    return value.number;
  }

  const GgufFile& file_;
  std::string prefix_;
};

int positive_int(double value, const std::string& what, int64_t limit = 1 << 24) {
  if (!(value >= 1) || value > static_cast<double>(limit) || value != std::floor(value)) {
    fail(XC_ERR_FORMAT, what + " must be a positive integer, got " + std::to_string(value));
  }
  return static_cast<int>(value);
}

// double → float without UB for metadata outside float's range.
float to_float(double value) {
  constexpr double kMax = 3.4028234663852886e38;
  if (value > kMax) return static_cast<float>(kMax);
  if (value < -kMax) return static_cast<float>(-kMax);
  return static_cast<float>(value);
}

double finite_at_least(double value, double low, bool allow_low, const std::string& what) {
  if (!std::isfinite(value) || value < low || (!allow_low && value == low)) {
    fail(XC_ERR_FORMAT, what + " must be a finite number " + (allow_low ? ">= " : "> ") + std::to_string(low) +
                            ", got " + std::to_string(value));
  }
  return value;
}

// rope.scaling.* read and defaulted as llama.cpp reads them for llama-family models.
void read_rope_scaling(const MetadataReader& m, ModelConfig& c) {
  std::string type = "linear";
  if (const GgufValue* value = m.find("rope.scaling.type")) {
    if (value->type != GgufValueType::STRING) fail(XC_ERR_FORMAT, "rope.scaling.type is not a string");
    type = std::string(value->text);
  }
  if (type != "none" && type != "linear" && type != "yarn" && type != "longrope") {
    fail(XC_ERR_FORMAT, "rope.scaling.type must be one of none, linear, yarn, longrope, got '" + type + "'");
  }
  const double factor = finite_at_least(
      m.number("rope.scaling.factor", finite_at_least(m.number("rope.scale_linear", 0), 0, true, "rope.scale_linear")),
      0, true, "rope.scaling.factor");
  c.rope_attn_factor =
      to_float(finite_at_least(m.number("rope.scaling.attn_factor", 1), 0, false, "rope.scaling.attn_factor"));
  c.rope_beta_fast = to_float(finite_at_least(m.number("rope.scaling.yarn_beta_fast", 32), 0, false, "yarn_beta_fast"));
  c.rope_beta_slow = to_float(finite_at_least(m.number("rope.scaling.yarn_beta_slow", 1), 0, false, "yarn_beta_slow"));
  c.rope_original_context = positive_int(m.number("rope.scaling.original_context_length", c.trained_context_length),
                                         "rope.scaling.original_context_length", 1 << 24);
  if (type == "longrope") fail(XC_ERR_UNSUPPORTED, "rope scaling 'longrope' is not supported");
  c.rope_scale = type == "none" || factor == 0 ? 1.0f : to_float(1.0 / factor);
  const double ext = m.number("rope.scaling.yarn_ext_factor", -1);  // negative: unset, as llama.cpp saves it
  c.rope_ext_factor = ext >= 0 ? to_float(ext) : type == "yarn" ? 1.0f : 0.0f;
  // YaRN files may keep context_length at the original context (Qwen2.5's): serve the stretched one
  if (type == "yarn" && factor > 0) {
    const double stretched = std::min(std::round(c.rope_original_context * factor), static_cast<double>(1 << 24));
    c.trained_context_length = std::max(c.trained_context_length, static_cast<int>(stretched));
  }
}

}  // namespace

cpu::RopeParams ModelConfig::rope_params(bool sliding, const float* freq_factors) const {
  const bool local = sliding && arch->sliding_rope_base > 0;
  cpu::RopeParams p;
  p.style = arch->rope;
  p.dims = rope_dims;
  p.base = local ? arch->sliding_rope_base : rope_base;
  p.scale = local ? 1.0f : rope_scale;
  p.freq_factors = freq_factors;
  double magnitude = rope_attn_factor;
  if (rope_ext_factor != 0) {
    // llama.cpp divides out the magnitude its rope kernel adds for the model's factor, then the kernel
    // multiplies by the layer's own: together 1 + 0.1·ln(factor) on scaled layers, 1 on unscaled ones.
    const double factor = 1.0 / rope_scale;
    const double mscale = factor <= 1 ? 1.0 : 1.0 + 0.1 * std::log(factor);
    magnitude *= mscale / (1.0 + 0.1 * std::log(factor)) * (1.0 + 0.1 * std::log(1.0 / p.scale));
    // ggml_rope_yarn_corr_dims: pairs turning more than beta_fast times over the original context keep
    // their angle, fewer than beta_slow times interpolate
    const auto pair_at = [&](double rotations) {
      return p.dims * std::log(rope_original_context / (rotations * 2 * M_PI)) / (2 * std::log(p.base));
    };
    p.ext_factor = rope_ext_factor;
    p.correction_low = static_cast<float>(std::max(0.0, std::floor(pair_at(rope_beta_fast))));
    p.correction_high = static_cast<float>(std::min(p.dims - 1.0, std::ceil(pair_at(rope_beta_slow))));
  }
  p.magnitude = static_cast<float>(magnitude);
  return p;
}

ModelConfig read_model_config(const GgufFile& file) {
  const GgufValue* arch_value = file.find("general.architecture");
  if (arch_value == nullptr || arch_value->type != GgufValueType::STRING) {
    fail(XC_ERR_FORMAT, "missing general.architecture");
  }
  ModelConfig c;
  c.architecture = std::string(arch_value->text);
  c.arch = find_arch(c.architecture);
  if (c.arch == nullptr) {
    fail(XC_ERR_UNSUPPORTED, "architecture '" + c.architecture + "' is not supported (supported: " +
                                 supported_architectures() + ")");
  }
  const MetadataReader m(file, c.architecture + ".");
  c.embedding_length = positive_int(m.number("embedding_length"), "embedding_length");
  c.layer_count = positive_int(m.number("block_count"), "block_count", 4096);
  c.head_count = positive_int(m.uniform("attention.head_count"), "attention.head_count", 4096);
  const double heads = c.head_count;
  c.head_count_kv = positive_int(m.uniform("attention.head_count_kv", &heads), "attention.head_count_kv", 4096);
  if (c.head_count % c.head_count_kv != 0 || c.embedding_length % c.head_count != 0) {
    const GgufValue* key_length = m.find("attention.key_length");
    if (key_length == nullptr || c.head_count % c.head_count_kv != 0) {
      fail(XC_ERR_FORMAT, "inconsistent head counts: " + std::to_string(c.head_count) + " heads, " +
                              std::to_string(c.head_count_kv) + " kv heads, embedding " +
                              std::to_string(c.embedding_length));
    }
  }
  c.head_dim = positive_int(m.number("attention.key_length", c.embedding_length / c.head_count), "attention.key_length");
  const int value_dim = positive_int(m.number("attention.value_length", c.head_dim), "attention.value_length");
  if (value_dim != c.head_dim) fail(XC_ERR_UNSUPPORTED, "key length differs from value length");
  if (c.head_dim % 2 != 0) fail(XC_ERR_FORMAT, "head dimension must be even");
  if (c.head_dim > cpu::kMaxAttentionHeadDim) {
    fail(XC_ERR_UNSUPPORTED, "head dimension " + std::to_string(c.head_dim) + " exceeds " +
                                 std::to_string(cpu::kMaxAttentionHeadDim));
  }
  c.feed_forward_length = positive_int(m.uniform("feed_forward_length"), "feed_forward_length");
  c.trained_context_length = positive_int(m.number("context_length"), "context_length", 1 << 30);
  c.rms_epsilon = to_float(m.number("attention.layer_norm_rms_epsilon"));
  c.rope_dims = positive_int(m.number("rope.dimension_count", c.head_dim), "rope.dimension_count");
  if (c.rope_dims > c.head_dim || c.rope_dims % 2 != 0) fail(XC_ERR_FORMAT, "rope.dimension_count exceeds head dim");
  c.rope_base = to_float(m.number("rope.freq_base", 10000.0));

  read_rope_scaling(m, c);
  const ArchSpec& a = *c.arch;
  if (a.sliding_window_pattern > 0) {
    const double window = m.number("attention.sliding_window", a.default_sliding_window);
    // 0 (or less) disables the window; anything at least the longest context is the same as none
    c.sliding_window = !(window > 0) ? 0 : window >= (1 << 30) ? (1 << 30) : static_cast<int>(window);
  }
  const double query_dim = a.query_scale.embedding_per_head_at_layer_count == c.layer_count
                               ? static_cast<double>(c.embedding_length) / c.head_count
                               : c.head_dim;
  c.attention_scale = static_cast<float>(1.0 / std::sqrt(query_dim));
  if (a.default_attention_softcap > 0) {
    c.attention_softcap = to_float(m.number("attn_logit_softcapping", a.default_attention_softcap));
    c.final_softcap = to_float(m.number("final_logit_softcapping", a.default_final_softcap));
  }
  return c;
}

}  // namespace xc
