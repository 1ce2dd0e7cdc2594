import path from 'node:path';
import { GGMLType, loadReferenceEngine, MODEL_SHAPES, synthesizeModel } from '@x/runtime';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { makeTempDir } from './support/paths.js';
import { referenceErrors } from './support/reference-errors.js';

/**
 * Largest relative L2 of any logits row (prefill and decode) against the reference engine run on the
 * dequantized weights.
 * Float types keep f32 activations (measured ≤ 6e-7). Quantized types multiply against activations
 * quantized to Q8_0 (Q8_0, Q4_0) or Q8_K (Q4_K, Q6_K), as llama.cpp does; that rounding, not the
 * weights, is their error (measured 1.4–1.7e-2 for Q8_0/Q4_0, 2.3–3.0e-2 for the K types). The
 * bounds leave about 2× room.
 */
const TOLERANCE: Record<string, number> = {
  F32: 1e-5,
  F16: 1e-5,
  BF16: 1e-5,
  Q8_0: 3e-2,
  Q4_0: 4e-2,
  Q6_K: 6e-2,
  Q4_K: 6e-2,
};
const TYPES = Object.keys(TOLERANCE) as (keyof typeof GGMLType)[];
const ARCHITECTURES = ['tiny-llama', 'tiny-qwen2'] as const;
const prompt = Int32Array.of(1, 40, 41, 42, 100, 200, 300, 7);
const directory = makeTempDir('synthetic');

describe.each(ARCHITECTURES)('synthetic %s against the reference engine', (shapeName) => {
  // K-quant rows must hold whole 256-value blocks.
  const shape = { ...MODEL_SHAPES[shapeName]!, embedding: 256, feedForward: 512, heads: 4, kvHeads: 2 };

  it.each(TYPES)('%s weights', async (typeName) => {
    const file = path.join(directory, `${shapeName}-${typeName}.gguf`);
    await synthesizeModel({
      shape,
      path: file,
      type: GGMLType[typeName],
      seed: 7,
      std: 0.05,
      contextLength: 64,
    });
    const native = await loadEngine(file, { threads: 1, kvType: 'f32' });
    const reference = await loadReferenceEngine(file);
    try {
      expect(native.info.architecture).toBe(shape.architecture);
      expect(native.info.weightType).toBe(reference.info.weightType);
      const { prefill, decode } = await referenceErrors(native, reference, prompt, 4);
      const tolerance = TOLERANCE[typeName]!;
      expect(prefill, `${typeName} prefill`).toBeLessThanOrEqual(tolerance);
      expect(decode, `${typeName} decode`).toBeLessThanOrEqual(tolerance);
    } finally {
      await native.dispose();
      await reference.dispose();
    }
  });
});
