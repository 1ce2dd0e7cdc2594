import { describe, expect, it } from 'vitest';
import { GGMLType } from '../ggml-type.js';
import { mixTensorType, useMoreBits } from './mix-tensor-type.js';

const moreBitsLayers = (layers: number) =>
  Array.from({ length: layers }, (_, layer) => layer).filter((layer) => useMoreBits(layer, layers));

describe('useMoreBits', () => {
  it('picks the first and last eighth and every third layer between, with integer division', () => {
    expect(moreBitsLayers(8)).toEqual([0, 3, 6, 7]);
    expect(moreBitsLayers(16)).toEqual([0, 1, 4, 7, 10, 13, 14, 15]);
    expect(moreBitsLayers(22)).toEqual([0, 1, 4, 7, 10, 13, 16, 19, 20, 21]);
    expect(moreBitsLayers(2)).toEqual([1]);
  });
});

describe('mixTensorType Q4_K_M', () => {
  const type = (name: string, layer?: number, hasOutput = true) =>
    mixTensorType('Q4_K_M', { name, layer, layers: 8, hasOutput });

  it('gives output Q6_K, attn_v and ffn_down Q6_K on use-more-bits layers, the rest Q4_K', () => {
    expect(type('output.weight')).toBe(GGMLType.Q6_K);
    expect(type('token_embd.weight')).toBe(GGMLType.Q4_K);
    expect(type('blk.3.attn_v.weight', 3)).toBe(GGMLType.Q6_K);
    expect(type('blk.3.ffn_down.weight', 3)).toBe(GGMLType.Q6_K);
    expect(type('blk.2.attn_v.weight', 2)).toBe(GGMLType.Q4_K);
    expect(type('blk.2.ffn_down.weight', 2)).toBe(GGMLType.Q4_K);
    for (const role of ['attn_q', 'attn_k', 'attn_output', 'ffn_gate', 'ffn_up'])
      expect(type(`blk.0.${role}.weight`, 0)).toBe(GGMLType.Q4_K);
  });

  it('gives tied token embeddings the output type', () => {
    expect(type('token_embd.weight', undefined, false)).toBe(GGMLType.Q6_K);
  });
});
