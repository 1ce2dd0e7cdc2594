import { describe, expect, it } from 'vitest';
import { GGMLType } from '../ggml-type.js';
import { MODEL_SHAPES, type ModelShape } from './model-shapes.js';
import { modelTensors } from './model-tensors.js';
import { tensorTypes } from './tensor-types.js';
import type { WeightType } from './weight-type.js';

function typesByName(shapeName: string, type: WeightType, layers?: number): Map<string, GGMLType> {
  const base = MODEL_SHAPES[shapeName] as ModelShape;
  const shape = { ...base, layers: layers ?? base.layers };
  const plans = modelTensors(shape, shape.vocab);
  const types = tensorTypes(plans, type, shape.layers);
  return new Map(plans.map((plan, index) => [plan.name, types[index] as GGMLType]));
}

function q6kLayers(types: Map<string, GGMLType>, role: string): number[] {
  return [...types]
    .filter(([name, type]) => name.endsWith(`.${role}.weight`) && type === GGMLType.Q6_K)
    .map(([name]) => Number(name.split('.')[1]));
}

describe('tensorTypes', () => {
  it("follows llama.cpp's Q4_K_M mix on a 16-layer tinyllama", () => {
    const types = typesByName('tinyllama-1.1b', 'Q4_K_M', 16);
    const moreBits = [0, 1, 4, 7, 10, 13, 14, 15];
    expect(q6kLayers(types, 'attn_v')).toEqual(moreBits);
    expect(q6kLayers(types, 'ffn_down')).toEqual(moreBits);
    expect(types.get('output.weight')).toBe(GGMLType.Q6_K);
    expect(types.get('token_embd.weight')).toBe(GGMLType.Q4_K);
    expect(types.get('blk.5.attn_norm.weight')).toBe(GGMLType.F32);
    const counts = new Map<GGMLType, number>();
    for (const type of types.values()) counts.set(type, (counts.get(type) ?? 0) + 1);
    // 16 layers × 7 matrices + embeddings + output, of which 2 × 8 attn_v/ffn_down and output are Q6_K
    expect(Object.fromEntries(counts)).toEqual({
      [GGMLType.Q4_K]: 16 * 7 + 1 - 16,
      [GGMLType.Q6_K]: 17,
      [GGMLType.F32]: 16 * 2 + 1,
    });
  });

  it('gives tied embeddings Q6_K, falling back to Q8_0 where rows are not whole K blocks', () => {
    expect(typesByName('llama-3.2-1b', 'Q4_K_M', 2).get('token_embd.weight')).toBe(GGMLType.Q6_K);
    const smollm = typesByName('smollm2-135m', 'Q4_K_M', 8);
    expect(smollm.get('token_embd.weight')).toBe(GGMLType.Q8_0);
    expect(smollm.get('blk.3.ffn_down.weight')).toBe(GGMLType.Q6_K);
    expect(smollm.get('blk.3.attn_v.weight')).toBe(GGMLType.Q8_0);
    expect(smollm.get('blk.2.attn_v.weight')).toBe(GGMLType.Q5_0);
  });

  it('gives every matrix a single requested type, as before', () => {
    const types = typesByName('smollm2-135m', GGMLType.Q4_K, 2);
    expect(types.get('token_embd.weight')).toBe(GGMLType.Q5_0);
    expect(types.get('blk.1.ffn_down.weight')).toBe(GGMLType.Q4_K);
    expect(types.get('blk.1.ffn_norm.weight')).toBe(GGMLType.F32);
  });
});
