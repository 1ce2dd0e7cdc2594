#pragma once

#include <cstdint>

#include "gguf/ggml-type.h"

struct CUstream_st;

// The forward pass's CUDA kernels, each launched by a host function defined in its own .cu file.
// Pointers are device memory; every launch is asynchronous on `stream` (nullptr: the default stream)
// and fails with XC_ERR_INTERNAL only when the launch itself is refused. Host code includes this
// header without the CUDA headers.
namespace xc::cuda {

using Stream = CUstream_st*;  // cudaStream_t

// out[t·dim + i] = row tokens[t] of `table` (vocab × dim elements of `type`) · scale (gemma: √dim).
// A token id outside [0, vocab) gives a row of NaN rather than a read out of bounds.
using EmbeddingFn = void (*)(const void* table, int64_t vocab, int64_t dim, const int32_t* tokens, int count,
                             float scale, float* out, Stream stream);
// F32, F16, BF16 and Q8_0 rows (embedding.cu); nullptr for other types.
EmbeddingFn embedding_kernel(GgmlType type);

// For each of `rows` rows of dim floats: x += residual (skipped when residual is nullptr), then
// y = x / sqrt(mean(x²) + eps) · weight. y must not overlap x (rms-norm-residual.cu).
void rms_norm_residual(float* x, const float* residual, const float* weight, float* y, int64_t dim, int rows, float eps,
                       Stream stream);

// out[t·out_stride + r] = Σk w[r·n + k]·x[t·n + k] (+ bias[r] when not nullptr) (+ the old out[…] when
// accumulate), for rows r < rows and tokens t < tokens; w row-major in `type`, fp32 accumulation.
using GemvFn = void (*)(const void* w, int64_t rows, int64_t n, const float* x, int tokens, const float* bias,
                        float* out, int64_t out_stride, bool accumulate, Stream stream);
// F32, F16 and BF16 weights (gemv-float.cu); nullptr for other types.
GemvFn gemv_float_kernel(GgmlType type);

// For each row t < rows and i < n: gate[t·stride + i] = act(gate[t·stride + i]) · up[t·stride + i], act
// SiLU x / (1 + e^−x) or GELU 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))) (glu.cu). up may point into the
// same rows as gate (a fused gate | up output).
enum class GluKind { Silu, GeluTanh };
void glu(float* gate, const float* up, int64_t n, int rows, int64_t stride, GluKind kind, Stream stream);

// --- attention inputs: q/k/v bias, per-head norm, RoPE and the KV-cache write (rope-kv-write.cu) ---

// The f16 KV cache of one layer: element i of head h's row at position p of sequence slot s sits at
// cache[s·seq_stride + h·head_stride + p·head_dim + i] (K and V alike).
struct KvCacheLayer {
  uint16_t* keys = nullptr;  // f16 bits
  uint16_t* values = nullptr;
  int64_t seq_stride = 0;   // elements
  int64_t head_stride = 0;  // elements (≥ positions · head_dim)
  int sequences = 0;        // slots: a slot outside [0, sequences) is never read or written
  int positions = 0;        // rows per head: likewise for a position outside [0, positions)
};

// For each token t < tokens, read slot[t] and position[t] from device memory (so a captured step can
// be replayed with new positions): q, k and v (rows of heads·head_dim and kv_heads·head_dim floats at
// q + t·qkv_stride, …) get their bias (nullable), then q and k each head's RMSNorm with q_norm / k_norm
// (nullable: qwen3 and gemma3 have them), then RoPE over the first rope_dims of each head with the
// angles of row position[t] of cos_sin (cpu::rope_angles' table: rope_dims / 2 interleaved cos, sin
// pairs per position, table_positions rows); NEOX pairs i with i + rope_dims/2, normal 2i with 2i+1.
// q is written back in place (f32); k and v go to the cache as f16 (round to nearest even). A token
// whose slot or position is out of range writes nothing to the cache and NaN to its q.
struct RopeKvArgs {
  float* q = nullptr;
  const float* k = nullptr;
  const float* v = nullptr;
  int64_t qkv_stride = 0;  // floats between one token's q (k, v) and the next's
  const float* q_bias = nullptr;
  const float* k_bias = nullptr;
  const float* v_bias = nullptr;
  const float* q_norm = nullptr;  // head_dim weights
  const float* k_norm = nullptr;
  float eps = 1e-6f;
  const float* cos_sin = nullptr;
  int table_positions = 0;
  int rope_dims = 0;
  bool neox = false;
  const int32_t* slots = nullptr;      // tokens sequence slots, device memory
  const int32_t* positions = nullptr;  // tokens positions, device memory
  int tokens = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;  // ≤ kMaxCudaHeadDim, even
  KvCacheLayer cache;
};
constexpr int kMaxCudaHeadDim = 256;
// Fails with XC_ERR_INVALID_ARGUMENT for a head_dim or rope_dims it cannot take.
void rope_kv_write(const RopeKvArgs& args, Stream stream);

// --- decode attention, split along the keys (attention-decode.cu) ---

// One query token per sequence against its slot's cache over keys [first, position[t]], first =
// max(0, position[t] − window + 1) when window > 0 (gemma's sliding layers) else 0. Scores are
// scale·q·k, soft-capped as cap·tanh(s / cap) when softcap > 0. Each (token, kv head) runs `splits`
// blocks over consecutive key ranges, each block's warps on sub-ranges of their own, and one block
// per GQA group (up to kDecodeGroup query heads; larger groups run in chunks) so each K/V row is read
// once for the group; a combine kernel merges the partial softmaxes exactly. A token whose slot or
// position is out of the cache's range gets NaN outputs.
struct DecodeAttentionArgs {
  const float* q = nullptr;  // tokens × heads × head_dim, token rows q_stride floats apart
  int64_t q_stride = 0;
  KvCacheLayer cache;
  const int32_t* slots = nullptr;      // device memory
  const int32_t* positions = nullptr;  // device memory: the last key of each token
  int tokens = 0;
  int heads = 0;
  int kv_heads = 0;
  int head_dim = 0;  // 64, 96, 128 or 256
  float scale = 1.0f;
  float softcap = 0.0f;
  int window = 0;
  int splits = 1;
  float* workspace = nullptr;  // decode_attention_workspace floats
  float* out = nullptr;        // tokens × heads × head_dim, token rows out_stride floats apart
  int64_t out_stride = 0;
};
constexpr int kDecodeGroup = 8;
size_t decode_attention_workspace(int tokens, int heads, int kv_heads, int head_dim, int splits);
// Fails with XC_ERR_INVALID_ARGUMENT for a shape it does not take (head_dim, heads % kv_heads, splits).
void decode_attention(const DecodeAttentionArgs& args, Stream stream);

// --- quantized GEMV (quantize-q8-0.cu, gemv-quant.cu) ---

// rows × n floats (n a multiple of 32) → rows × n/32 blocks of {float d; int8 qs[32]} (ActQ8_0, 36
// bytes): d = max|x| / 127, q = round-half-even(x · 127 / max|x|), the CPU quantiser's arithmetic.
void quantize_q8_0(const float* x, void* out, int64_t n, int rows, Stream stream);

// rows × n floats (n a multiple of 256) → rows × n/256 blocks of {float d; int8 qs[256]; int16 bsums[16]}
// (ActQ8K, 292 bytes), the CPU quantize_q8_k's arithmetic (quantize-q8-k.cu).
void quantize_q8_k(const float* x, void* out, int64_t n, int rows, Stream stream);

// out[t·out_stride + r] = row r · activation row t (+ bias[r]) (+ the old out when accumulate), the
// CPU dot products' arithmetic: ggml Q8_0 / Q4_0 rows against quantize_q8_0 activations, Q4_K / Q6_K
// rows against quantize_q8_k activations; integer dot products (__dp4a) per 4 quants, fp32
// accumulation, up to 4 tokens per pass.
using QuantGemvFn = void (*)(const void* w, int64_t rows, int64_t n, const void* xq, int tokens, const float* bias,
                             float* out, int64_t out_stride, bool accumulate, Stream stream);
// Q8_0, Q4_0, Q4_K and Q6_K weights; nullptr for other types.
QuantGemvFn gemv_quant_kernel(GgmlType type);

// --- greedy tokens (argmax.cu) ---

// tokens[r] = the index of row r's largest logit (rows × vocab, row r at logits + r·stride): the first
// index wins ties, NaN never wins (it counts as −inf), and a row of only NaN and −inf gives 0, as the
// runtime's argmax. best (nullable) gets the largest value; positions (nullable) is advanced by one
// per row, so a replayed decode step feeds the token to the next. workspace: argmax_workspace bytes.
size_t argmax_workspace(int rows, int64_t vocab);
void argmax_rows(const float* logits, int rows, int64_t vocab, int64_t stride, void* workspace, int32_t* tokens,
                 float* best, int32_t* positions, Stream stream);

}  // namespace xc::cuda
