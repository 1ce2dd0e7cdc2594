import { GGMLType, loadReferenceEngine } from '@x/runtime';
import { ONE_CASE_PER_ARCHITECTURE as ARCHITECTURE_CASES, writeSyntheticModel } from '@x/runtime/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { makeTempDir } from './support/paths.js';
import { referenceErrors } from './support/reference-errors.js';
import { removeTempDir } from './support/temp-dir.js';

/** F32 keeps f32 activations throughout: largest relative L2 of any logits row (measured ≤ 8.4e-7). */
const F32_TOLERANCE = 1e-4;
/**
 * Q8_0 multiplies against activations quantized to Q8_0, as llama.cpp does; that rounding, not the
 * weights (the reference runs on the same dequantized ones), is the error. With 64-wide rows (two blocks)
 * and std-0.15 random weights it is larger than on wider models: measured worst row (prefill, decode) in
 * the comments; each bound leaves about 1.4× room.
 */
const Q8_0_TOLERANCE: Record<string, number> = {
  llama: 4.5e-2, // 3.04e-2, 2.27e-2
  qwen2: 6e-2, // 4.33e-2, 3.17e-2
  qwen3: 4.5e-2, // 2.95e-2, 2.70e-2
  phi3: 4e-2, // 2.41e-2, 2.80e-2
  gemma2: 4.5e-2, // 2.66e-2, 3.20e-2
  gemma3: 6e-2, // 4.31e-2, 2.26e-2
};
const TYPES = ['F32', 'Q8_0'] as const;
const prompt = Int32Array.of(1, 10, 200, 300, 50, 7, 40, 41, 42, 100, 250, 9);
const decodeSteps = 6;
const directory = makeTempDir('architectures-reference');
afterAll(() => removeTempDir(directory));

describe.each(ARCHITECTURE_CASES)(
  'synthetic %s against the reference engine',
  (_label, architecture, options) => {
    it.each(TYPES)('%s weights', async (typeName) => {
      const file = await writeSyntheticModel(directory, architecture, {
        ...options,
        weightType: GGMLType[typeName],
      });
      const native = await loadEngine(file, { threads: 1, contextLength: 64, kvType: 'f32' });
      const reference = await loadReferenceEngine(file, { contextLength: 64 });
      try {
        expect(native.info.architecture).toBe(architecture);
        expect(native.info.vocabSize).toBe(reference.info.vocabSize);
        const { prefill, decode } = await referenceErrors(native, reference, prompt, decodeSteps);
        const tolerance = typeName === 'F32' ? F32_TOLERANCE : Q8_0_TOLERANCE[architecture]!;
        expect(prefill, `${architecture} ${typeName} prefill`).toBeLessThanOrEqual(tolerance);
        expect(decode, `${architecture} ${typeName} decode`).toBeLessThanOrEqual(tolerance);
      } finally {
        await native.dispose();
        await reference.dispose();
      }
    });
  },
);
