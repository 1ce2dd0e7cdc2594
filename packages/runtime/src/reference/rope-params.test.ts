import { describe, expect, it } from 'vitest';
import { readModelConfig } from './model-config.js';
import { ropeParams } from './rope-params.js';
import { randomModel, TINY_SHAPE } from './testing/random-model.js';

const configOf = (architecture: string, extra: Record<string, number | string>, layerCount = 2) =>
  readModelConfig(randomModel(architecture, { shape: { ...TINY_SHAPE, layerCount, extra } }).metadata);

describe('ropeParams', () => {
  it('YaRN: correction range from the original context, magnitude 1 + 0.1·ln(factor)', () => {
    // 16 dims, base 10000, 64 original positions: pair 2.02 turns once, pair −0.99 turns 32 times
    const config = configOf('llama', {
      'rope.scaling.type': 'yarn',
      'rope.scaling.factor': 4,
      'rope.scaling.original_context_length': 64,
    });
    const params = ropeParams(config, false);
    expect(params).toMatchObject({ scale: 0.25, extFactor: 1, correction: [0, 3] });
    expect(params.magnitude).toBeCloseTo(1 + 0.1 * Math.log(4), 12);
  });

  it('linear scaling: no ramp, magnitude only from attn_factor', () => {
    const params = ropeParams(
      configOf('llama', { 'rope.scaling.factor': 4, 'rope.scaling.attn_factor': 0.5 }),
      false,
    );
    expect(params).toMatchObject({ scale: 0.25, magnitude: 0.5 });
    expect(params.extFactor).toBeUndefined();
  });

  it("Gemma 3's sliding layers: local base, unscaled, and YaRN's magnitude cancelled", () => {
    const config = configOf('gemma3', { 'rope.scaling.type': 'yarn', 'rope.scaling.factor': 8 }, 6);
    const local = ropeParams(config, true);
    expect(local).toMatchObject({ base: 10_000, scale: 1 });
    expect(local.magnitude).toBeUndefined();
    expect(ropeParams(config, false).scale).toBe(0.125);
  });
});
