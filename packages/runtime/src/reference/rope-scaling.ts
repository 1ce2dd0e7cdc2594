import { UnsupportedError } from '@x/core';

/**
 * How a model stretches RoPE beyond its trained context: the `{arch}.rope.scaling.*` keys, read and
 * defaulted as llama.cpp reads them for llama-family models (validateModelMetadata has checked them).
 */
export interface RopeScaling {
  type: 'none' | 'linear' | 'yarn';
  /** Frequency scale: 1 / `rope.scaling.factor` (or the older `rope.scale_linear`); 1 for none. */
  freqScale: number;
  /** YaRN: the context the unscaled frequencies were trained for (`original_context_length`). */
  originalContextLength: number;
  /** `attn_factor`: multiplies cos and sin of every scaling type (default 1). */
  attnFactor: number;
  /** YaRN: 1 keeps the fast pairs unscaled (extrapolated), 0 interpolates every pair (llama.cpp's ext_factor). */
  extFactor: number;
  /** YaRN: rotations over the original context below which pairs interpolate, above which they extrapolate. */
  betaFast: number;
  betaSlow: number;
}

export function readRopeScaling(
  metadata: Readonly<Record<string, unknown>>,
  architecture: string,
  trainedContextLength: number,
): RopeScaling {
  const value = (key: string): number | undefined => {
    const v = metadata[`${architecture}.rope.scaling.${key}`];
    return typeof v === 'bigint' ? Number(v) : typeof v === 'number' ? v : undefined;
  };
  const type = metadata[`${architecture}.rope.scaling.type`] ?? 'linear';
  if (type !== 'none' && type !== 'linear' && type !== 'yarn') {
    throw new UnsupportedError(
      `rope-scaling:${String(type)}`,
      `rope scaling '${String(type)}' is not supported`,
    );
  }
  const legacy = metadata[`${architecture}.rope.scale_linear`];
  const factor = value('factor') ?? (typeof legacy === 'number' ? legacy : 0);
  const extFactor = value('yarn_ext_factor');
  return {
    type,
    freqScale: type === 'none' || factor === 0 ? 1 : 1 / factor,
    originalContextLength: value('original_context_length') ?? trainedContextLength,
    attnFactor: value('attn_factor') ?? 1,
    // negative means unset, as in llama.cpp's saved files
    extFactor: extFactor !== undefined && extFactor >= 0 ? extFactor : type === 'yarn' ? 1 : 0,
    betaFast: value('yarn_beta_fast') ?? 32,
    betaSlow: value('yarn_beta_slow') ?? 1,
  };
}
