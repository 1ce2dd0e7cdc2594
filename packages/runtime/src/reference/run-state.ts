import type { ModelConfig } from './model-config.js';

/** Scratch buffers for one token's forward pass (llama2.c's RunState). */
export interface RunState {
  x: Float32Array; // (dim) the residual stream
  xb: Float32Array; // (dim) normed input of a sublayer
  xb2: Float32Array; // (dim) output of a sublayer
  q: Float32Array; // (nh·hd)
  k: Float32Array; // (nkv·hd)
  v: Float32Array; // (nkv·hd)
  attention: Float32Array; // (nh·hd) attention output, heads concatenated
  scores: Float32Array; // (contextLength) one head's attention weights
  gate: Float32Array; // (ff)
  up: Float32Array; // (ff)
}

export function createRunState(config: ModelConfig, contextLength: number): RunState {
  const { embeddingLength: dim, headCount, headCountKv, headDim, feedForwardLength } = config;
  return {
    x: new Float32Array(dim),
    xb: new Float32Array(dim),
    xb2: new Float32Array(dim),
    q: new Float32Array(headCount * headDim),
    k: new Float32Array(headCountKv * headDim),
    v: new Float32Array(headCountKv * headDim),
    attention: new Float32Array(headCount * headDim),
    scores: new Float32Array(contextLength),
    gate: new Float32Array(feedForwardLength),
    up: new Float32Array(feedForwardLength),
  };
}
