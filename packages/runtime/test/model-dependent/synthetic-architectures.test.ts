import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEAR_TIE } from '../../src/engine/testing/oracle-agreement.js';
import { compareTeacherForced } from '../../src/engine/testing/reference-greedy.js';
import { loadReferenceEngine } from '../../src/reference/load-reference-engine.js';
import { ARCHITECTURE_FEATURE_CASES as cases } from '../../src/reference/testing/architecture-cases.js';
import { writeSyntheticModel } from '../../src/reference/testing/write-synthetic-model.js';
import { llamaCppGreedy } from '../../src/testing/llama-cpp.js';

const PROMPT = [1, 10, 200, 300, 50, 7];
const STEPS = 40;

describe('reference engine vs llama.cpp on synthetic models', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'x-reference-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it.each(cases)('%s', async (_label, architecture, options) => {
    const file = await writeSyntheticModel(directory, architecture, options);
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    const engine = await loadReferenceEngine(file, { contextLength: 256 });
    const comparison = await compareTeacherForced(engine, PROMPT, oracle);
    await engine.dispose();
    expect(oracle).toHaveLength(STEPS);
    expect(comparison.worstShortfall).toBeLessThan(NEAR_TIE);
    expect(comparison.agreed).toBeGreaterThanOrEqual(STEPS - 4);
    // A model stuck on one token would prove little.
    expect(new Set(oracle).size).toBeGreaterThan(3);
  });
});
