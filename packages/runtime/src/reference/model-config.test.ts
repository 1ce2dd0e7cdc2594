import { UnsupportedError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { isSlidingLayer, readModelConfig } from './model-config.js';
import { randomModel, TINY_SHAPE } from './testing/random-model.js';

const configOf = (architecture: string, extra: Record<string, number | string> = {}, layerCount = 2) =>
  readModelConfig(randomModel(architecture, { shape: { ...TINY_SHAPE, layerCount, extra } }).metadata);

describe('readModelConfig', () => {
  it('reads llama defaults: no window, no soft caps, 1/sqrt(head dim) attention scale', () => {
    const config = configOf('llama');
    expect(config).toMatchObject({
      headDim: 16,
      ropeDims: 16,
      ropeScale: 1,
      slidingWindow: 0,
      finalSoftcap: 0,
    });
    expect(config.attentionScale).toBeCloseTo(1 / 4, 12);
  });

  it('applies the rope factor unless the scaling type is none, and rejects LongRoPE', () => {
    expect(configOf('llama', { 'rope.scaling.factor': 4 }).ropeScale).toBe(0.25);
    expect(configOf('llama', { 'rope.scale_linear': 2 }).ropeScale).toBe(0.5);
    expect(configOf('llama', { 'rope.scaling.type': 'none', 'rope.scaling.factor': 4 }).ropeScale).toBe(1);
    expect(() => configOf('qwen2', { 'rope.scaling.type': 'longrope', 'rope.scaling.factor': 4 })).toThrow(
      UnsupportedError,
    );
  });

  it("reads YaRN with llama.cpp's defaults: ext_factor 1, betas 32 and 1, the trained context as original", () => {
    const yarn = configOf('qwen2', { 'rope.scaling.type': 'yarn', 'rope.scaling.factor': 4 });
    expect(yarn.ropeScaling).toEqual({
      type: 'yarn',
      freqScale: 0.25,
      originalContextLength: 256,
      attnFactor: 1,
      extFactor: 1,
      betaFast: 32,
      betaSlow: 1,
    });
    const linear = configOf('llama', {
      'rope.scaling.factor': 2,
      'rope.scaling.original_context_length': 64,
      'rope.scaling.attn_factor': 0.5,
      'rope.scaling.yarn_ext_factor': -1,
    });
    expect(linear.ropeScaling).toMatchObject({ extFactor: 0, attnFactor: 0.5, originalContextLength: 64 });
  });

  it('serves YaRN files their stretched context when context_length is the original one', () => {
    const yarn = { 'rope.scaling.type': 'yarn', 'rope.scaling.factor': 4 };
    expect(configOf('qwen2', yarn).trainedContextLength).toBe(1024);
    expect(
      configOf('qwen2', { ...yarn, 'rope.scaling.original_context_length': 32 }).trainedContextLength,
    ).toBe(256);
    expect(configOf('llama', { 'rope.scaling.factor': 4 }).trainedContextLength).toBe(256);
  });

  it('gives gemma2 its default soft caps and even sliding layers, gemma3 five local layers in six', () => {
    const gemma2 = configOf('gemma2', {}, 4);
    expect(gemma2).toMatchObject({ attentionSoftcap: 50, finalSoftcap: 30, slidingWindow: 8 });
    expect([0, 1, 2, 3].map((l) => isSlidingLayer(gemma2, l))).toEqual([true, false, true, false]);
    const gemma3 = configOf('gemma3', {}, 7);
    expect(gemma3.finalSoftcap).toBe(0);
    expect([0, 1, 2, 3, 4, 5, 6].map((l) => isSlidingLayer(gemma3, l))).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
      true,
    ]);
  });

  it('scales gemma queries by 1/sqrt(n_embd / n_head) in the 27B shapes, as llama.cpp does', () => {
    const config = configOf('gemma2', { 'attention.key_length': 32, 'attention.value_length': 32 }, 46);
    expect(config.headDim).toBe(32);
    expect(config.attentionScale).toBeCloseTo(1 / Math.sqrt(64 / 4), 12);
  });
});
