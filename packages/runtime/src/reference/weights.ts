import type { Matrix } from './ops/matrix.js';

/**
 * One transformer block's weights, dequantized to f32. Shapes are (rows, cols) with
 * dim = embedding length, hd = head dim, nh / nkv = query / key-value heads, ff = feed-forward length.
 * Fused GGUF tensors (phi3's `attn_qkv`, `ffn_up` = gate|up) are split into these on load.
 */
export interface LayerWeights {
  attnNorm: Float32Array; // (dim)
  wq: Matrix; // (nh·hd, dim)
  wk: Matrix; // (nkv·hd, dim)
  wv: Matrix; // (nkv·hd, dim)
  bq?: Float32Array; // (nh·hd)
  bk?: Float32Array; // (nkv·hd)
  bv?: Float32Array; // (nkv·hd)
  qNorm?: Float32Array; // (hd)
  kNorm?: Float32Array; // (hd)
  wo: Matrix; // (dim, nh·hd)
  bo?: Float32Array; // (dim)
  postAttnNorm?: Float32Array; // (dim)
  ffnNorm: Float32Array; // (dim)
  wGate: Matrix; // (ff, dim)
  wUp: Matrix; // (ff, dim)
  wDown: Matrix; // (dim, ff)
  postFfnNorm?: Float32Array; // (dim)
}

export interface Weights {
  tokenEmbedding: Matrix; // (vocab, dim)
  layers: LayerWeights[];
  outputNorm: Float32Array; // (dim)
  /** The LM head; the very same matrix as `tokenEmbedding` when the embeddings are tied. */
  output: Matrix; // (vocab, dim)
  outputBias?: Float32Array; // (vocab)
  /** Llama 3.1-style RoPE frequency divisors (`rope_freqs.weight`). */
  ropeFreqFactors?: Float32Array; // (ropeDims / 2)
}
