import { GGMLType, loadReferenceEngine } from '@x/runtime';
import { afterAll, describe, expect, it } from 'vitest';
import { llamaCppGreedy } from '../../runtime/test/model-dependent/llama-cpp-greedy.js';
import { compareTeacherForced } from '../../runtime/test/model-dependent/reference-greedy.js';
import { writeSyntheticModel } from '../../runtime/test/model-dependent/synthetic-fixture.js';
import { loadEngine } from '../src/engine/load-engine.js';
import { ARCHITECTURE_CASES } from './support/architecture-cases.js';
import { compareFreeRun, nativeGreedy } from './support/native-greedy.js';
import { oracleDisagreements } from './support/oracle-disagreements.js';
import { makeTempDir } from './support/paths.js';
import { removeTempDir } from './support/temp-dir.js';

const PROMPT = [1, 10, 200, 300, 50, 7];
const STEPS = 64;
/** Steps (of STEPS) where llama.cpp's token must be our argmax when fed llama.cpp's tokens. */
const AGREEMENT_FLOOR = STEPS - 4;
const NEAR_TIE = 0.01;
const directory = makeTempDir('architectures-llama-cpp');
afterAll(() => removeTempDir(directory));

/**
 * F32: every difference from llama.cpp must be a near tie (our top-2 logits within 1%), the runtime's rule;
 * measured: none, all 64 tokens agree on every architecture.
 *
 * Q8_0: llama.cpp and we both round activations to 8 bits, independently, each moving logits ~3e-2 of their
 * norm away from the reference engine (exact f32 math on the dequantized weights); measured over 64 steps,
 * ours are no further from llama.cpp's than the reference's are. On these untrained models, whose top logits
 * are close, that flips a few calls just past 1% of our logits (qwen3 step 2: 1.5%, step 3: 1.2%; gemma3
 * step 16: 1.55%), each a near tie or our pick in the reference engine. So a difference is accepted when it
 * is a near tie in our logits or in the specification's (the same 1% rule), or the specification picks ours.
 */
describe.each(ARCHITECTURE_CASES)('synthetic %s against llama.cpp', (_label, architecture, options) => {
  it(`F32 weights: ${STEPS} greedy tokens`, async () => {
    const file = await writeSyntheticModel(directory, architecture, { ...options, weightType: GGMLType.F32 });
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    expect(oracle).toHaveLength(STEPS);
    // A model stuck on one token would prove little.
    expect(new Set(oracle).size).toBeGreaterThan(3);
    const engine = await loadEngine(file, { threads: 1, contextLength: 256, kvType: 'f32' });
    try {
      const freeRun = compareFreeRun(await nativeGreedy(engine, PROMPT, STEPS), oracle);
      expect(freeRun.shortfall, `parted from llama.cpp at step ${freeRun.partedAt}`).toBeLessThan(NEAR_TIE);
      // Fed llama.cpp's tokens, the steps past such a flip are compared as well.
      const forced = await compareTeacherForced(engine, PROMPT, oracle);
      expect(forced.worstShortfall).toBeLessThan(NEAR_TIE);
      expect(forced.agreed).toBeGreaterThanOrEqual(AGREEMENT_FLOOR);
    } finally {
      await engine.dispose();
    }
  });

  it(`Q8_0 weights: ${STEPS} greedy tokens`, async () => {
    const file = await writeSyntheticModel(directory, architecture, {
      ...options,
      weightType: GGMLType.Q8_0,
    });
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    expect(oracle).toHaveLength(STEPS);
    expect(new Set(oracle).size).toBeGreaterThan(3);
    const engine = await loadEngine(file, { threads: 1, contextLength: 256, kvType: 'f32' });
    const reference = await loadReferenceEngine(file, { contextLength: 256 });
    try {
      const freeRun = compareFreeRun(await nativeGreedy(engine, PROMPT, STEPS), oracle);
      const disagreements = await oracleDisagreements(engine, reference, PROMPT, oracle);
      const unexplained = disagreements.filter(
        (d) => d.shortfall >= NEAR_TIE && d.referenceShortfall >= NEAR_TIE,
      );
      expect(
        unexplained,
        'differences from llama.cpp that are near ties neither for us nor the reference',
      ).toEqual([]);
      if (freeRun.partedAt >= 0 && freeRun.shortfall >= NEAR_TIE) {
        const atPart = disagreements.find((d) => d.step === freeRun.partedAt);
        expect(
          atPart?.referenceShortfall ?? Number.POSITIVE_INFINITY,
          `parted from llama.cpp at step ${freeRun.partedAt}`,
        ).toBeLessThan(NEAR_TIE);
      }
      const forced = await compareTeacherForced(engine, PROMPT, oracle);
      expect(forced.agreed).toBeGreaterThanOrEqual(AGREEMENT_FLOOR);
    } finally {
      await engine.dispose();
      await reference.dispose();
    }
  });
});
