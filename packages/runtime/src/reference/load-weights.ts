import { ModelFormatError, UnsupportedError } from '@x/core';
import type { ModelConfig } from './model-config.js';
import { type Matrix, sliceRows } from './ops/matrix.js';
import type { LayerWeights, Weights } from './weights.js';

/** A tensor dequantized to f32, with its GGUF shape (ggml order: shape[0] varies fastest). */
export interface F32Tensor {
  shape: readonly number[];
  data: Float32Array;
}

/** Looks a tensor up by GGUF name; undefined when the file has none of that name. */
export type TensorSource = (name: string) => F32Tensor | undefined;

/** Gathers and shape-checks the weights `config` calls for, using GGUF tensor names (llama.cpp's llama-arch.cpp). */
export function loadWeights(config: ModelConfig, source: TensorSource, path?: string): Weights {
  const { arch, embeddingLength: dim, headDim: hd, feedForwardLength: ff } = config;
  const qDim = config.headCount * hd;
  const kvDim = config.headCountKv * hd;

  const find = (name: string, expected: number[]): F32Tensor | undefined => {
    const tensor = source(name);
    if (tensor === undefined) return undefined;
    const got = [...tensor.shape];
    while (got.length > expected.length && got[got.length - 1] === 1) got.pop();
    if (got.length !== expected.length || got.some((n, i) => n !== expected[i])) {
      throw new ModelFormatError(`tensor ${name} has the wrong shape`, {
        path,
        expected: `[${expected.join(', ')}]`,
        got: `[${tensor.shape.join(', ')}]`,
      });
    }
    return tensor;
  };
  const need = (name: string, expected: number[]): F32Tensor => {
    const tensor = find(name, expected);
    if (tensor === undefined) throw new ModelFormatError(`missing tensor ${name}`, { path, expected: name });
    return tensor;
  };
  const matrix = (name: string, rows: number, cols: number): Matrix => ({
    data: need(name, [cols, rows]).data,
    rows,
    cols,
  });
  const vector = (name: string, n: number): Float32Array => need(name, [n]).data;
  const optionalVector = (name: string, n: number): Float32Array | undefined => find(name, [n])?.data;

  if (source('rope_factors_long.weight') !== undefined) {
    throw new UnsupportedError(
      'rope-factors-long',
      'LongRoPE (rope_factors_long/short) is not supported by the reference engine',
    );
  }
  const embedding = source('token_embd.weight');
  const vocab = embedding?.shape[1] ?? 0;
  const tokenEmbedding = matrix('token_embd.weight', vocab, dim);
  const output = find('output.weight', [dim, vocab]);

  const layers: LayerWeights[] = [];
  for (let l = 0; l < config.layerCount; l++) {
    const p = `blk.${l}.`;
    const hasFusedQkv = arch.fusedQkv && source(`${p}attn_qkv.weight`) !== undefined;
    let projections: Pick<LayerWeights, 'wq' | 'wk' | 'wv' | 'bq' | 'bk' | 'bv'>;
    if (hasFusedQkv) {
      const qkv = matrix(`${p}attn_qkv.weight`, qDim + 2 * kvDim, dim);
      const bias = optionalVector(`${p}attn_qkv.bias`, qDim + 2 * kvDim);
      projections = {
        wq: sliceRows(qkv, 0, qDim),
        wk: sliceRows(qkv, qDim, kvDim),
        wv: sliceRows(qkv, qDim + kvDim, kvDim),
        bq: bias?.subarray(0, qDim),
        bk: bias?.subarray(qDim, qDim + kvDim),
        bv: bias?.subarray(qDim + kvDim),
      };
    } else {
      const bias = arch.attentionBias ? vector : optionalVector;
      projections = {
        wq: matrix(`${p}attn_q.weight`, qDim, dim),
        wk: matrix(`${p}attn_k.weight`, kvDim, dim),
        wv: matrix(`${p}attn_v.weight`, kvDim, dim),
        bq: bias(`${p}attn_q.bias`, qDim),
        bk: bias(`${p}attn_k.bias`, kvDim),
        bv: bias(`${p}attn_v.bias`, kvDim),
      };
    }
    let gateUp: Pick<LayerWeights, 'wGate' | 'wUp'>;
    if (arch.fusedGateUp) {
      const fused = matrix(`${p}ffn_up.weight`, 2 * ff, dim);
      gateUp = { wGate: sliceRows(fused, 0, ff), wUp: sliceRows(fused, ff, ff) };
    } else {
      gateUp = { wGate: matrix(`${p}ffn_gate.weight`, ff, dim), wUp: matrix(`${p}ffn_up.weight`, ff, dim) };
    }
    layers.push({
      attnNorm: vector(`${p}attn_norm.weight`, dim),
      ...projections,
      qNorm: arch.qkNorm ? vector(`${p}attn_q_norm.weight`, hd) : undefined,
      kNorm: arch.qkNorm ? vector(`${p}attn_k_norm.weight`, hd) : undefined,
      wo: matrix(`${p}attn_output.weight`, dim, qDim),
      bo: optionalVector(`${p}attn_output.bias`, dim),
      postAttnNorm: arch.postNorms ? vector(`${p}post_attention_norm.weight`, dim) : undefined,
      ffnNorm: vector(`${p}ffn_norm.weight`, dim),
      ...gateUp,
      wDown: matrix(`${p}ffn_down.weight`, dim, ff),
      postFfnNorm: arch.postNorms ? vector(`${p}post_ffw_norm.weight`, dim) : undefined,
    });
  }

  return {
    tokenEmbedding,
    layers,
    outputNorm: vector('output_norm.weight', dim),
    output: output === undefined ? tokenEmbedding : { data: output.data, rows: vocab, cols: dim },
    outputBias: optionalVector('output.bias', vocab),
    ropeFreqFactors: optionalVector('rope_freqs.weight', config.ropeDims / 2),
  };
}
