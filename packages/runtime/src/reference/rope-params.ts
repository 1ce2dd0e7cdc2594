import type { ModelConfig } from './model-config.js';
import type { RopeParams } from './ops/rope.js';

/**
 * The rotation of one layer, as llama.cpp builds it from the model's scaling: Gemma 3's sliding layers
 * rotate with their own base and no frequency scale; YaRN ramps between scaled and unscaled pairs over
 * a correction range and corrects the magnitude.
 */
export function ropeParams(config: ModelConfig, sliding: boolean, freqFactors?: Float32Array): RopeParams {
  const local = sliding && config.arch.slidingRopeBase !== undefined;
  const base = local ? config.arch.slidingRopeBase! : config.ropeBase;
  const scaling = config.ropeScaling;
  const scale = local ? 1 : scaling.freqScale;
  const params: RopeParams = { style: config.arch.rope, dims: config.ropeDims, base, scale, freqFactors };
  let magnitude = scaling.attnFactor;
  const ext = scaling.extFactor;
  if (ext !== 0) {
    // llama.cpp divides out the magnitude its rope kernel adds for the model's factor, then the kernel
    // multiplies by the layer's own: together 1 + 0.1·ln(factor) on scaled layers, 1 on unscaled ones.
    const factor = 1 / scaling.freqScale;
    const mscale = factor <= 1 ? 1 : 1 + 0.1 * Math.log(factor);
    magnitude *= (mscale / (1 + 0.1 * Math.log(factor))) * (1 + 0.1 * Math.log(1 / scale));
    params.extFactor = ext;
    params.correction = yarnCorrection(config.ropeDims, scaling, base);
  }
  if (magnitude !== 1) params.magnitude = magnitude;
  return params;
}

/**
 * The pair indices [low, high] between which YaRN's ramp runs: pairs that turn more than betaFast times
 * over the original context keep their angle, fewer than betaSlow times interpolate (ggml_rope_yarn_corr_dims).
 */
function yarnCorrection(
  dims: number,
  scaling: ModelConfig['ropeScaling'],
  base: number,
): readonly [number, number] {
  const pairAt = (rotations: number) =>
    (dims * Math.log(scaling.originalContextLength / (rotations * 2 * Math.PI))) / (2 * Math.log(base));
  return [
    Math.max(0, Math.floor(pairAt(scaling.betaFast))),
    Math.min(dims - 1, Math.ceil(pairAt(scaling.betaSlow))),
  ];
}
