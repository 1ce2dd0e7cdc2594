import {
  compareTeacherForced,
  greedySteps,
  NEAR_TIE,
  ROPE_SCALING_CASES,
  ROPE_SCALING_PROMPT,
  writeSyntheticModel,
} from '@x/runtime/testing';
import { llamaCppGreedy } from '@x/runtime/testing/llama-cpp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { compareFreeRun } from './support/compare-free-run.js';
import { makeTempDir } from './support/paths.js';
import { removeTempDir } from './support/temp-dir.js';

const PROMPT = [...ROPE_SCALING_PROMPT];
const STEPS = 64;
const directory = makeTempDir('rope-scaling-llama-cpp');
afterAll(() => removeTempDir(directory));

// F32 weights: every difference from llama.cpp must be a near tie, at positions 120–184, past the
// 64 (linear ×4 of 256) or 32 (YaRN's original context) positions the frequencies were trained for.
describe.each(ROPE_SCALING_CASES)('synthetic %s against llama.cpp', (_label, architecture, options) => {
  it(`${STEPS} greedy tokens after a ${PROMPT.length}-token prompt`, async () => {
    const file = await writeSyntheticModel(directory, architecture, options);
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    expect(oracle).toHaveLength(STEPS);
    expect(new Set(oracle).size).toBeGreaterThan(3);
    const engine = await loadEngine(file, { threads: 1, contextLength: 256, kvType: 'f32' });
    try {
      const freeRun = compareFreeRun(await greedySteps(engine, PROMPT, STEPS), oracle);
      expect(freeRun.shortfall, `parted from llama.cpp at step ${freeRun.partedAt}`).toBeLessThan(NEAR_TIE);
      const forced = await compareTeacherForced(engine, PROMPT, oracle);
      expect(forced.worstShortfall).toBeLessThan(NEAR_TIE);
      expect(forced.agreed).toBeGreaterThanOrEqual(STEPS - 4);
    } finally {
      await engine.dispose();
    }
  });
});
