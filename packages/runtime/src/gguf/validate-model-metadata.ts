import { ModelFormatError } from '@x/core';

/** What every loader needs to trust about a llama-family GGUF before it sizes anything by it. */
export interface ModelHyperparameters {
  architecture: string;
  embeddingLength: number;
  layerCount: number;
  /** The largest per-layer value when the file stores one per layer. */
  headCount: number;
  headCountKv: number;
  headDim: number;
  feedForwardLength: number;
  contextLength: number;
  ropeDims: number;
}

/** Limits shared with the C++ loader (model-config.cc); beyond them a file is malformed. */
export const METADATA_LIMITS = {
  dimension: 1 << 24,
  layers: 4096,
  heads: 4096,
  contextLength: 1 << 24,
} as const;

/** llama.cpp's names of `{arch}.rope.scaling.type` (missing means linear); engines may support fewer. */
export const ROPE_SCALING_TYPES = ['none', 'linear', 'yarn', 'longrope'] as const;

/**
 * The one check of `{arch}.*` hyperparameters that every loader (reference, candle-native, ONNX)
 * runs before it allocates by them: positive integers within METADATA_LIMITS, heads that divide,
 * an even head dimension and rope dimensions that fit it, a finite positive epsilon and rope base, and
 * rope scaling keys llama.cpp would read: a known type, a finite factor >= 0, a positive attn_factor.
 * Throws ModelFormatError naming the key; says nothing about which architectures an engine runs.
 */
export function validateModelMetadata(
  metadata: Readonly<Record<string, unknown>>,
  path?: string,
): ModelHyperparameters {
  const architecture = metadata['general.architecture'];
  if (typeof architecture !== 'string' || architecture === '')
    throw new ModelFormatError('missing general.architecture', {
      path,
      expected: 'string',
      got: typeof architecture,
    });
  const key = (name: string) => `${architecture}.${name}`;
  const fail = (name: string, expected: string, got: unknown): never => {
    throw new ModelFormatError(`metadata key ${key(name)}`, { path, expected, got: describe(got) });
  };
  const raw = (name: string): unknown => {
    const value = metadata[key(name)];
    return typeof value === 'bigint' ? Number(value) : value;
  };
  const integer = (name: string, limit: number, fallback?: number): number => {
    let value = raw(name);
    if (value === undefined && fallback !== undefined) value = fallback;
    // Per-layer arrays: every element must be valid; the largest sizes the buffers.
    const values = Array.isArray(value) ? value.map((v) => (typeof v === 'bigint' ? Number(v) : v)) : [value];
    if (values.length === 0) fail(name, `an integer in 1..${limit}`, value);
    for (const v of values)
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > limit)
        fail(name, `an integer in 1..${limit}`, value);
    return Math.max(...(values as number[]));
  };
  const positive = (name: string, fallback: number, allowZero: boolean): void => {
    const value = raw(name) ?? fallback;
    if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0))
      fail(name, allowZero ? 'a finite number >= 0' : 'a finite number > 0', value);
  };

  const { dimension, layers, heads, contextLength } = METADATA_LIMITS;
  const embeddingLength = integer('embedding_length', dimension);
  const layerCount = integer('block_count', layers);
  const headCount = integer('attention.head_count', heads);
  const headCountKv = integer('attention.head_count_kv', heads, headCount);
  if (headCount % headCountKv !== 0)
    fail('attention.head_count_kv', `a divisor of ${headCount}`, headCountKv);
  const defaultHeadDim = Number.isInteger(embeddingLength / headCount)
    ? embeddingLength / headCount
    : undefined;
  const headDim = integer('attention.key_length', dimension, defaultHeadDim);
  if (headDim % 2 !== 0) fail('attention.key_length', 'an even head dimension', headDim);
  const ropeDims = integer('rope.dimension_count', headDim, headDim);
  if (ropeDims % 2 !== 0) fail('rope.dimension_count', `an even number <= ${headDim}`, ropeDims);
  const feedForwardLength = integer('feed_forward_length', dimension);
  const context = integer('context_length', contextLength);
  positive('attention.layer_norm_rms_epsilon', 1e-5, true);
  positive('rope.freq_base', 10_000, false);
  const scalingType = raw('rope.scaling.type');
  if (scalingType !== undefined && !(ROPE_SCALING_TYPES as readonly unknown[]).includes(scalingType))
    fail('rope.scaling.type', `one of ${ROPE_SCALING_TYPES.join(', ')}`, scalingType);
  positive('rope.scaling.factor', 0, true);
  positive('rope.scale_linear', 0, true);
  positive('rope.scaling.attn_factor', 1, false);
  positive('rope.scaling.yarn_beta_fast', 32, false);
  positive('rope.scaling.yarn_beta_slow', 1, false);
  if (raw('rope.scaling.original_context_length') !== undefined)
    integer('rope.scaling.original_context_length', contextLength);
  return {
    architecture,
    embeddingLength,
    layerCount,
    headCount,
    headCountKv,
    headDim,
    feedForwardLength,
    contextLength: context,
    ropeDims,
  };
}

function describe(value: unknown): string {
  if (Array.isArray(value))
    return `[${value.slice(0, 4).map(String).join(', ')}${value.length > 4 ? ', …' : ''}]`;
  if (typeof value === 'string' && value.length <= 40) return JSON.stringify(value);
  return typeof value === 'number' || typeof value === 'bigint' ? String(value) : typeof value;
}
