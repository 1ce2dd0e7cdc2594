import { UnsupportedError } from '@x/core';
import { type ModelConfig, type RopeParams, ropeParams } from '@x/runtime';

/** The numbers the ONNX decoder graph is built from (a llama-family model, RoPE as rotate-half). */
export interface DecoderSpec {
  architecture: 'llama' | 'qwen2';
  layers: number;
  dim: number;
  heads: number;
  kvHeads: number;
  headDim: number;
  feedForward: number;
  vocab: number;
  rmsEpsilon: number;
  attentionScale: number;
  ropeBase: number;
  /** The rotation with the model's scaling (without `freqFactors`, which the weights carry). */
  rope: RopeParams;
  /** Rows of the cos/sin tables: the longest context the graph serves. */
  maxPositions: number;
  tiedEmbeddings: boolean;
  attentionBias: boolean;
}

const SUPPORTED = ['llama', 'qwen2'];

/** The spec for a GGUF model's config; UnsupportedError for what the graph builder does not cover. */
export function decoderSpec(
  config: ModelConfig,
  facts: { vocab: number; tiedEmbeddings: boolean; attentionBias: boolean; maxPositions?: number },
): DecoderSpec {
  if (!SUPPORTED.includes(config.architecture)) {
    throw new UnsupportedError(
      `onnx-architecture:${config.architecture}`,
      `the GGUF→ONNX builder supports ${SUPPORTED.join(', ')}, not ${config.architecture}`,
    );
  }
  if (config.ropeDims !== config.headDim) {
    throw new UnsupportedError(
      'partial-rope',
      `RoPE over ${config.ropeDims} of ${config.headDim} dimensions`,
    );
  }
  return {
    architecture: config.architecture as DecoderSpec['architecture'],
    layers: config.layerCount,
    dim: config.embeddingLength,
    heads: config.headCount,
    kvHeads: config.headCountKv,
    headDim: config.headDim,
    feedForward: config.feedForwardLength,
    vocab: facts.vocab,
    rmsEpsilon: config.rmsEpsilon,
    attentionScale: config.attentionScale,
    ropeBase: config.ropeBase,
    rope: ropeParams(config, false),
    maxPositions: Math.min(config.trainedContextLength, facts.maxPositions ?? config.trainedContextLength),
    tiedEmbeddings: facts.tiedEmbeddings,
    attentionBias: facts.attentionBias,
  };
}
