import { ModelFormatError, UnsupportedError } from '@x/core';
import { METADATA_LIMITS, validateModelMetadata } from '../gguf/validate-model-metadata.js';
import { ARCHITECTURES, type ArchSpec } from './arch-table.js';
import { type RopeScaling, readRopeScaling } from './rope-scaling.js';

/** The hyperparameters of one llama-family model, read from GGUF metadata (`{arch}.*` keys). */
export interface ModelConfig {
  architecture: string;
  arch: ArchSpec;
  embeddingLength: number;
  feedForwardLength: number;
  layerCount: number;
  headCount: number;
  headCountKv: number;
  /** Length of one query/key/value head (`attention.key_length`, default n_embd / n_head). */
  headDim: number;
  /** The context the model was trained for: `context_length`, or YaRN's original context × factor when longer. */
  trainedContextLength: number;
  rmsEpsilon: number;
  ropeDims: number;
  ropeBase: number;
  /** Frequency scale: 1 / the linear or YaRN factor (ropeScaling.freqScale). */
  ropeScale: number;
  ropeScaling: RopeScaling;
  /** Window of the sliding layers, in tokens (0: every layer attends to the whole sequence). */
  slidingWindow: number;
  /** Multiplier of q·k. */
  attentionScale: number;
  /** Soft caps on attention logits and on output logits (0: none). */
  attentionSoftcap: number;
  finalSoftcap: number;
}

/**
 * `metadata` maps full GGUF keys (`llama.block_count`) to values. Runs the shared
 * validateModelMetadata first, so every loader rejects the same files.
 */
export function readModelConfig(metadata: Readonly<Record<string, unknown>>, path?: string): ModelConfig {
  const architecture = metadata['general.architecture'];
  if (typeof architecture !== 'string') {
    throw new ModelFormatError('missing general.architecture', {
      path,
      expected: 'string',
      got: typeof architecture,
    });
  }
  const arch = ARCHITECTURES[architecture];
  if (arch === undefined) {
    throw new UnsupportedError(
      `architecture:${architecture}`,
      `architecture '${architecture}' is not supported by the reference engine (supported: ${Object.keys(ARCHITECTURES).join(', ')})`,
    );
  }
  validateModelMetadata(metadata, path);
  const number = (key: string, fallback?: number): number => {
    const value = metadata[`${architecture}.${key}`];
    if (typeof value === 'number') return value;
    if (typeof value === 'bigint') return Number(value);
    if (fallback !== undefined && value === undefined) return fallback;
    throw new ModelFormatError(`metadata key ${architecture}.${key}`, {
      path,
      expected: 'number',
      got: typeof value,
    });
  };
  const uniform = (key: string, fallback?: number): number => {
    const value = metadata[`${architecture}.${key}`];
    // Some converters write per-layer arrays; the reference engine handles uniform ones only.
    if (Array.isArray(value) && value.length > 0) {
      if (value.some((v) => v !== value[0]))
        throw new UnsupportedError(`per-layer ${key}`, `per-layer ${architecture}.${key} is not supported`);
      return Number(value[0]);
    }
    return number(key, fallback);
  };

  const embeddingLength = number('embedding_length');
  const layerCount = number('block_count');
  const headCount = uniform('attention.head_count');
  const headCountKv = uniform('attention.head_count_kv', headCount);
  const headDim = number('attention.key_length', embeddingLength / headCount);
  const valueDim = number('attention.value_length', headDim);
  if (valueDim !== headDim)
    throw new UnsupportedError(
      'key-length-differs-from-value-length',
      `key length ${headDim} ≠ value length ${valueDim}`,
    );
  if (!Number.isInteger(headDim) || headCount % headCountKv !== 0) {
    throw new ModelFormatError('inconsistent head counts', {
      path,
      got: `${headCount} heads, ${headCountKv} kv heads`,
    });
  }

  const ropeScaling = readRopeScaling(metadata, architecture, number('context_length'));
  // YaRN files may keep context_length at the original context (Qwen2.5's): serve the stretched one
  const stretched =
    ropeScaling.type === 'yarn' ? ropeScaling.originalContextLength / ropeScaling.freqScale : 0;
  const trainedContextLength = Math.max(
    number('context_length'),
    Math.min(Math.round(stretched), METADATA_LIMITS.contextLength),
  );

  const softcap = arch.defaultSoftcap;
  const queryScaleDim =
    arch.queryScaleByEmbeddingAtLayerCount === layerCount ? embeddingLength / headCount : headDim;
  return {
    architecture,
    arch,
    embeddingLength,
    feedForwardLength: uniform('feed_forward_length'),
    layerCount,
    headCount,
    headCountKv,
    headDim,
    trainedContextLength,
    rmsEpsilon: number('attention.layer_norm_rms_epsilon'),
    ropeDims: number('rope.dimension_count', headDim),
    ropeBase: number('rope.freq_base', 10_000),
    ropeScale: ropeScaling.freqScale,
    ropeScaling,
    slidingWindow:
      arch.slidingWindowPattern > 0 ? number('attention.sliding_window', arch.defaultSlidingWindow) : 0,
    attentionScale: 1 / Math.sqrt(queryScaleDim),
    attentionSoftcap: softcap ? number('attn_logit_softcapping', softcap.attention) : 0,
    finalSoftcap: softcap ? number('final_logit_softcapping', softcap.final) : 0,
  };
}

/** Whether layer `layer` attends through the sliding window. */
export function isSlidingLayer(config: ModelConfig, layer: number): boolean {
  const pattern = config.arch.slidingWindowPattern;
  return config.slidingWindow > 0 && pattern > 0 && layer % pattern < pattern - 1;
}
