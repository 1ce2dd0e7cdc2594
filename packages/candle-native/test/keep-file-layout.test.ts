import path from 'node:path';
import { GGMLType, MODEL_SHAPES, synthesizeModel } from '@x/runtime';
import { relativeL2 } from '@x/runtime/testing';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { loadNativeAddon } from '../src/native/native-binding.js';
import { makeTempDir } from './support/paths.js';

const directory = makeTempDir('keep-file-layout');
const prompt = Int32Array.of(1, 40, 41, 42, 100, 200, 300, 7, 9, 11);

describe('keepFileLayout', () => {
  // Where the CPU has AVX-512 VNNI the default re-lays these matrices; the two loads must agree.
  it.each(['Q8_0', 'Q5_0', 'Q4_K', 'Q6_K'] as const)(
    '%s: re-laid and in-place weights give the same logits',
    async (type) => {
      const file = path.join(directory, `tiny-llama-${type}.gguf`);
      const shape = {
        ...MODEL_SHAPES['tiny-llama']!,
        embedding: 256,
        feedForward: 512,
        heads: 4,
        kvHeads: 2,
      };
      await synthesizeModel({
        shape,
        path: file,
        type: GGMLType[type],
        seed: 3,
        std: 0.05,
        contextLength: 64,
      });
      const logitsOf = async (keepFileLayout: boolean) => {
        const engine = await loadEngine(file, { keepFileLayout, threads: 1 });
        try {
          const seq = engine.createSequence();
          const [rows] = await engine.forward([{ seq, tokens: prompt, logitsFor: 'all' }]);
          return rows!;
        } finally {
          await engine.dispose();
        }
      };
      const relaid = await logitsOf(false);
      const inPlace = await logitsOf(true);
      expect(relaid.length).toBe(inPlace.length);
      // same integer sums in another float order: ~1e-7, or ~1e-2 after an activation rounding flip
      expect(relativeL2(relaid, inPlace)).toBeLessThan(2e-2);
    },
  );

  it('re-lays weights only where the kernels use it, and never with keepFileLayout', async () => {
    const addon = loadNativeAddon();
    const file = path.join(directory, 'tiny-llama-Q8_0.gguf');
    const relaid = await addon.loadModel(file);
    const inPlace = await addon.loadModel(file, undefined, true);
    try {
      expect(relaid.info().relaidBytes > 0).toBe(addon.buildInfo().includes('kernels=avx512'));
      expect(relaid.info().relaidBytes).toBeLessThanOrEqual(relaid.info().weightBytes);
      expect(inPlace.info().relaidBytes).toBe(0);
    } finally {
      relaid.dispose();
      inPlace.dispose();
    }
  });

  it('rejects a keepFileLayout that is not a boolean', async () => {
    await expect(
      loadEngine(path.join(directory, 'tiny-llama-Q8_0.gguf'), { keepFileLayout: 1 as never }),
    ).rejects.toThrow(TypeError);
  });
});
