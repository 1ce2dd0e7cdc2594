import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEAR_TIE } from '../../src/engine/testing/oracle-agreement.js';
import { compareTeacherForced } from '../../src/engine/testing/reference-greedy.js';
import { loadReferenceEngine } from '../../src/reference/load-reference-engine.js';
import { ROPE_SCALING_CASES, ROPE_SCALING_PROMPT } from '../../src/reference/testing/rope-scaling-cases.js';
import { writeSyntheticModel } from '../../src/reference/testing/write-synthetic-model.js';
import { llamaCppGreedy } from '../../src/testing/llama-cpp.js';

const PROMPT = [...ROPE_SCALING_PROMPT];
const STEPS = 64;

describe('reference engine vs llama.cpp with RoPE scaling, past the unscaled context', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'x-rope-scaling-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it.each(ROPE_SCALING_CASES)('%s', async (_label, architecture, options) => {
    const file = await writeSyntheticModel(directory, architecture, options);
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    expect(oracle).toHaveLength(STEPS);
    // A model stuck on one token would prove little.
    expect(new Set(oracle).size).toBeGreaterThan(3);
    const engine = await loadReferenceEngine(file, { contextLength: 256 });
    try {
      const comparison = await compareTeacherForced(engine, PROMPT, oracle);
      expect(comparison.worstShortfall).toBeLessThan(NEAR_TIE);
      expect(comparison.agreed).toBeGreaterThanOrEqual(STEPS - 4);
    } finally {
      await engine.dispose();
    }
  });
});
