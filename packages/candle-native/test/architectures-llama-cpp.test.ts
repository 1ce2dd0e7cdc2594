import { GGMLType, loadReferenceEngine } from '@x/runtime';
import {
  ONE_CASE_PER_ARCHITECTURE as ARCHITECTURE_CASES,
  compareTeacherForced,
  greedySteps,
  NEAR_TIE,
  TINY_SHAPE,
  writeSyntheticModel,
} from '@x/runtime/testing';
import { llamaCppGreedy } from '@x/runtime/testing/llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';

import { loadEngine } from '../src/engine/load-engine.js';
import { compareFreeRun } from './support/compare-free-run.js';
import { oracleDisagreements } from './support/oracle-disagreements.js';
import { makeTempDir } from './support/paths.js';
import { removeTempDir } from './support/temp-dir.js';

const PROMPT = [1, 10, 200, 300, 50, 7];
const STEPS = 64;
/** Steps (of STEPS) where llama.cpp's token must be our argmax when fed llama.cpp's tokens. */
const AGREEMENT_FLOOR = STEPS - 4;
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
/**
 * The Q8_0 acceptance rule below, for any quantized file: every difference from llama.cpp must be a near tie
 * (`nearTie` of our top logit) for us or for the specification, and fed llama.cpp's tokens we must pick its
 * token on at least `agreementFloor` steps.
 */
async function expectQuantizedGreedyAgrees(
  file: string,
  nearTie = NEAR_TIE,
  agreementFloor = AGREEMENT_FLOOR,
): Promise<void> {
  const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
  expect(oracle).toHaveLength(STEPS);
  expect(new Set(oracle).size).toBeGreaterThan(3);
  const engine = await loadEngine(file, { threads: 1, contextLength: 256, kvType: 'f32' });
  const reference = await loadReferenceEngine(file, { contextLength: 256 });
  try {
    const freeRun = compareFreeRun(await greedySteps(engine, PROMPT, STEPS), oracle);
    const disagreements = await oracleDisagreements(engine, reference, PROMPT, oracle);
    const unexplained = disagreements.filter(
      (d) => d.shortfall >= nearTie && d.referenceShortfall >= nearTie,
    );
    expect(
      unexplained,
      'differences from llama.cpp that are near ties neither for us nor the reference',
    ).toEqual([]);
    if (freeRun.partedAt >= 0 && freeRun.shortfall >= nearTie) {
      const atPart = disagreements.find((d) => d.step === freeRun.partedAt);
      expect(
        atPart?.referenceShortfall ?? Number.POSITIVE_INFINITY,
        `parted from llama.cpp at step ${freeRun.partedAt}`,
      ).toBeLessThan(nearTie);
    }
    const forced = await compareTeacherForced(engine, PROMPT, oracle);
    expect(forced.agreed).toBeGreaterThanOrEqual(agreementFloor);
  } finally {
    await engine.dispose();
    await reference.dispose();
  }
}

describe.each(ARCHITECTURE_CASES)('synthetic %s against llama.cpp', (_label, architecture, options) => {
  it(`F32 weights: ${STEPS} greedy tokens`, async () => {
    const file = await writeSyntheticModel(directory, architecture, { ...options, weightType: GGMLType.F32 });
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    expect(oracle).toHaveLength(STEPS);
    // A model stuck on one token would prove little.
    expect(new Set(oracle).size).toBeGreaterThan(3);
    const engine = await loadEngine(file, { threads: 1, contextLength: 256, kvType: 'f32' });
    try {
      const freeRun = compareFreeRun(await greedySteps(engine, PROMPT, STEPS), oracle);
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
    await expectQuantizedGreedyAgrees(file);
  });
});

// Rows of whole 256-value blocks, so every K-quant and 32-block type is used as such (and, on AVX-512
// VNNI or AVX2 CPUs, in its re-laid x8 layout) rather than falling back to another type. At this width
// the 8-bit activation rounding (ours and llama.cpp's, independently) moves more calls: measured, Q4_K
// parts at step 15 where our top-2 gap is 1.6% and the specification's 3.5% (llama.cpp's pick is off
// the exact math too), Q5_0 at step 46 (1.5% / 1.4%), Q6_K agrees on 58 of 64 teacher-forced steps;
// the same with the file's layout (XC_X8=0). A wrong layout or kernel moves logits by O(1) and fails
// both bounds, so the rule is widened to 4% and 56 of 64 for these files.
describe('synthetic llama with 256-wide rows against llama.cpp', () => {
  const shape = { ...TINY_SHAPE, embeddingLength: 256, feedForwardLength: 512 };
  it.each(['Q4_K', 'Q6_K', 'Q5_0', 'Q4_0'] as const)(`%s weights: ${STEPS} greedy tokens`, async (type) => {
    const file = await writeSyntheticModel(directory, 'llama', {
      shape,
      weightType: GGMLType[type],
      seed: 11,
    });
    await expectQuantizedGreedyAgrees(file, 0.04, STEPS - 8);
  });
});
