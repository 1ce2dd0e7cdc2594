#include "gguf-writer.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <random>
#include <stdexcept>

#include "common/fp16.h"
#include "kernels/cpu/block-types.h"

namespace xch {

using xc::GgmlType;

namespace {

template <typename T>
void put(std::vector<uint8_t>& out, T value) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&value);
  out.insert(out.end(), bytes, bytes + sizeof(T));
}

void put_string(std::vector<uint8_t>& out, const std::string& text) {
  put<uint64_t>(out, text.size());
  out.insert(out.end(), text.begin(), text.end());
}

template <typename Block>
void append(std::vector<uint8_t>& out, const Block& block) {
  const auto* bytes = reinterpret_cast<const uint8_t*>(&block);
  out.insert(out.end(), bytes, bytes + sizeof(Block));
}

void encode_q8_0(const float* x, std::vector<uint8_t>& out) {
  xc::BlockQ8_0 b{};
  float amax = 0;
  for (int j = 0; j < 32; j++) amax = std::max(amax, std::fabs(x[j]));
  const float d = amax / 127.0f;
  b.d = xc::f32_to_fp16(d);
  for (int j = 0; j < 32; j++) b.qs[j] = static_cast<int8_t>(d > 0 ? std::lround(x[j] / d) : 0);
  append(out, b);
}

void encode_q4_0(const float* x, std::vector<uint8_t>& out) {
  xc::BlockQ4_0 b{};
  float max = 0;
  for (int j = 0; j < 32; j++) {
    if (std::fabs(x[j]) > std::fabs(max)) max = x[j];
  }
  const float d = max / -8.0f;
  const float id = d != 0 ? 1.0f / d : 0.0f;
  b.d = xc::f32_to_fp16(d);
  for (int j = 0; j < 16; j++) {
    const int lo = std::min(15, static_cast<int>(x[j] * id + 8.5f));
    const int hi = std::min(15, static_cast<int>(x[j + 16] * id + 8.5f));
    b.qs[j] = static_cast<uint8_t>(std::max(0, lo) | (std::max(0, hi) << 4));
  }
  append(out, b);
}

void encode_q5_0(const float* x, std::vector<uint8_t>& out) {
  xc::BlockQ5_0 b{};
  float max = 0;
  for (int j = 0; j < 32; j++) {
    if (std::fabs(x[j]) > std::fabs(max)) max = x[j];
  }
  const float d = max / -16.0f;
  const float id = d != 0 ? 1.0f / d : 0.0f;
  b.d = xc::f32_to_fp16(d);
  uint32_t qh = 0;
  for (int j = 0; j < 16; j++) {
    const int lo = std::clamp(static_cast<int>(x[j] * id + 16.5f), 0, 31);
    const int hi = std::clamp(static_cast<int>(x[j + 16] * id + 16.5f), 0, 31);
    b.qs[j] = static_cast<uint8_t>((lo & 0xF) | ((hi & 0xF) << 4));
    qh |= static_cast<uint32_t>((lo >> 4) & 1) << j;
    qh |= static_cast<uint32_t>((hi >> 4) & 1) << (j + 16);
  }
  std::memcpy(b.qh, &qh, 4);
  append(out, b);
}

// Packs 6-bit scale/min pairs the way ggml's quantize_row_q4_K does.
void pack_q4k_scales(const int* scale, const int* min, uint8_t* packed) {
  std::memset(packed, 0, 12);
  for (int j = 0; j < 8; j++) {
    if (j < 4) {
      packed[j] = static_cast<uint8_t>(scale[j]);
      packed[j + 4] = static_cast<uint8_t>(min[j]);
    } else {
      packed[j + 4] = static_cast<uint8_t>((scale[j] & 0xF) | ((min[j] & 0xF) << 4));
      packed[j - 4] |= static_cast<uint8_t>((scale[j] >> 4) << 6);
      packed[j] |= static_cast<uint8_t>((min[j] >> 4) << 6);
    }
  }
}

void encode_q4_k(const float* x, std::vector<uint8_t>& out) {
  xc::BlockQ4K b{};
  float scales[8], mins[8];
  float max_scale = 0, max_min = 0;
  for (int j = 0; j < 8; j++) {
    float lo = 0, hi = 0;
    for (int l = 0; l < 32; l++) {
      lo = std::min(lo, x[32 * j + l]);
      hi = std::max(hi, x[32 * j + l]);
    }
    scales[j] = (hi - lo) / 15.0f;
    mins[j] = -lo;
    max_scale = std::max(max_scale, scales[j]);
    max_min = std::max(max_min, mins[j]);
  }
  const float d = max_scale / 63.0f;
  const float dmin = max_min / 63.0f;
  b.d = xc::f32_to_fp16(d);
  b.dmin = xc::f32_to_fp16(dmin);
  const float dq = xc::fp16_to_f32(b.d), mq = xc::fp16_to_f32(b.dmin);
  int ls[8], lm[8];
  for (int j = 0; j < 8; j++) {
    ls[j] = dq > 0 ? std::min(63, static_cast<int>(std::lround(scales[j] / dq))) : 0;
    lm[j] = mq > 0 ? std::min(63, static_cast<int>(std::lround(mins[j] / mq))) : 0;
  }
  pack_q4k_scales(ls, lm, b.scales);
  uint8_t q[256];
  for (int j = 0; j < 8; j++) {
    const float step = dq * ls[j];
    const float offset = mq * lm[j];
    for (int l = 0; l < 32; l++) {
      const int v = step > 0 ? static_cast<int>(std::lround((x[32 * j + l] + offset) / step)) : 0;
      q[32 * j + l] = static_cast<uint8_t>(std::clamp(v, 0, 15));
    }
  }
  for (int j = 0; j < 4; j++) {
    for (int l = 0; l < 32; l++) b.qs[32 * j + l] = static_cast<uint8_t>(q[64 * j + l] | (q[64 * j + 32 + l] << 4));
  }
  append(out, b);
}

// Packs 256 six-bit values (0..63) the way ggml's quantize_row_q6_K does.
void pack_q6k(const uint8_t* L, uint8_t* ql, uint8_t* qh) {
  for (int j = 0; j < 256; j += 128) {
    for (int l = 0; l < 32; l++) {
      const uint8_t q1 = L[j + l], q2 = L[j + l + 32], q3 = L[j + l + 64], q4 = L[j + l + 96];
      ql[l] = static_cast<uint8_t>((q1 & 0xF) | ((q3 & 0xF) << 4));
      ql[l + 32] = static_cast<uint8_t>((q2 & 0xF) | ((q4 & 0xF) << 4));
      qh[l] = static_cast<uint8_t>((q1 >> 4) | ((q2 >> 4) << 2) | ((q3 >> 4) << 4) | ((q4 >> 4) << 6));
    }
    ql += 64;
    qh += 32;
  }
}

void encode_q6_k(const float* x, std::vector<uint8_t>& out) {
  xc::BlockQ6K b{};
  float group[16];
  float max_group = 0;
  for (int g = 0; g < 16; g++) {
    float amax = 0;
    for (int l = 0; l < 16; l++) amax = std::max(amax, std::fabs(x[16 * g + l]));
    group[g] = amax / 31.0f;
    max_group = std::max(max_group, group[g]);
  }
  const float d = max_group / 127.0f;
  b.d = xc::f32_to_fp16(d);
  const float dq = xc::fp16_to_f32(b.d);
  uint8_t L[256];
  for (int g = 0; g < 16; g++) {
    const int ls = dq > 0 ? std::min(127, static_cast<int>(std::lround(group[g] / dq))) : 0;
    b.scales[g] = static_cast<int8_t>(ls);
    const float step = dq * ls;
    for (int l = 0; l < 16; l++) {
      const int v = step > 0 ? static_cast<int>(std::lround(x[16 * g + l] / step)) : 0;
      L[16 * g + l] = static_cast<uint8_t>(std::clamp(v, -32, 31) + 32);
    }
  }
  pack_q6k(L, b.ql, b.qh);
  append(out, b);
}

}  // namespace

std::vector<uint8_t> encode_tensor(GgmlType type, const std::vector<float>& values, int64_t row_length) {
  std::vector<uint8_t> out;
  const auto n = static_cast<int64_t>(values.size());
  switch (type) {
    case GgmlType::F32:
      out.resize(values.size() * 4);
      std::memcpy(out.data(), values.data(), out.size());
      return out;
    case GgmlType::F16:
    case GgmlType::BF16:
      for (float v : values) {
        uint16_t h;
        if (type == GgmlType::F16) {
          h = xc::f32_to_fp16(v);
        } else {
          uint32_t bits;
          std::memcpy(&bits, &v, 4);
          h = static_cast<uint16_t>((bits + 0x7fff + ((bits >> 16) & 1)) >> 16);
        }
        put(out, h);
      }
      return out;
    case GgmlType::Q8_0: for (int64_t i = 0; i < n; i += 32) encode_q8_0(&values[i], out); return out;
    case GgmlType::Q4_0: for (int64_t i = 0; i < n; i += 32) encode_q4_0(&values[i], out); return out;
    case GgmlType::Q5_0: for (int64_t i = 0; i < n; i += 32) encode_q5_0(&values[i], out); return out;
    case GgmlType::Q4_K: for (int64_t i = 0; i < n; i += 256) encode_q4_k(&values[i], out); return out;
    case GgmlType::Q6_K: for (int64_t i = 0; i < n; i += 256) encode_q6_k(&values[i], out); return out;
    default: throw std::runtime_error("encode_tensor: unsupported type");
  }
  (void)row_length;
}

void GgufWriter::add_string(const std::string& key, const std::string& value) {
  put_string(metadata_, key);
  put<uint32_t>(metadata_, 8);
  put_string(metadata_, value);
  metadata_count_++;
}

void GgufWriter::add_u32(const std::string& key, uint32_t value) {
  put_string(metadata_, key);
  put<uint32_t>(metadata_, 4);
  put<uint32_t>(metadata_, value);
  metadata_count_++;
}

void GgufWriter::add_f32(const std::string& key, float value) {
  put_string(metadata_, key);
  put<uint32_t>(metadata_, 6);
  put<float>(metadata_, value);
  metadata_count_++;
}

void GgufWriter::add_string_array(const std::string& key, const std::vector<std::string>& values) {
  put_string(metadata_, key);
  put<uint32_t>(metadata_, 9);
  put<uint32_t>(metadata_, 8);
  put<uint64_t>(metadata_, values.size());
  for (const std::string& v : values) put_string(metadata_, v);
  metadata_count_++;
}

void GgufWriter::add_f32_array(const std::string& key, const std::vector<float>& values) {
  put_string(metadata_, key);
  put<uint32_t>(metadata_, 9);
  put<uint32_t>(metadata_, 6);
  put<uint64_t>(metadata_, values.size());
  for (float v : values) put(metadata_, v);
  metadata_count_++;
}

void GgufWriter::add_i32_array(const std::string& key, const std::vector<int32_t>& values) {
  put_string(metadata_, key);
  put<uint32_t>(metadata_, 9);
  put<uint32_t>(metadata_, 5);
  put<uint64_t>(metadata_, values.size());
  for (int32_t v : values) put(metadata_, v);
  metadata_count_++;
}

void GgufWriter::add_tensor(const std::string& name, std::vector<int64_t> shape, GgmlType type,
                            std::vector<uint8_t> data) {
  tensors_.push_back({name, std::move(shape), type, std::move(data)});
}

void GgufWriter::write(const std::string& path) const {
  std::vector<uint8_t> head;
  put<uint32_t>(head, 0x46554747u);
  put<uint32_t>(head, 3);
  put<uint64_t>(head, tensors_.size());
  put<uint64_t>(head, metadata_count_);
  head.insert(head.end(), metadata_.begin(), metadata_.end());
  uint64_t offset = 0;
  std::vector<uint64_t> offsets;
  for (const Tensor& t : tensors_) {
    put_string(head, t.name);
    put<uint32_t>(head, static_cast<uint32_t>(t.shape.size()));
    for (int64_t d : t.shape) put<uint64_t>(head, static_cast<uint64_t>(d));
    put<uint32_t>(head, static_cast<uint32_t>(t.type));
    put<uint64_t>(head, offset);
    offsets.push_back(offset);
    offset += (t.data.size() + 31) / 32 * 32;
  }
  head.resize((head.size() + 31) / 32 * 32, 0);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("cannot write " + path);
  file.write(reinterpret_cast<const char*>(head.data()), static_cast<std::streamsize>(head.size()));
  static const char zeros[32] = {};
  for (const Tensor& t : tensors_) {
    file.write(reinterpret_cast<const char*>(t.data.data()), static_cast<std::streamsize>(t.data.size()));
    file.write(zeros, static_cast<std::streamsize>((32 - t.data.size() % 32) % 32));
  }
  if (!file) throw std::runtime_error("cannot write " + path);
}

}  // namespace xch
