import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NEAR_TIE } from '../../src/engine/testing/oracle-agreement.js';
import { compareTeacherForced } from '../../src/engine/testing/reference-greedy.js';
import { GGMLType } from '../../src/gguf/index.js';
import { synthesizeModel } from '../../src/gguf/synth/synthesize-model.js';
import { loadReferenceEngine } from '../../src/reference/load-reference-engine.js';
import { llamaCppGreedy } from '../../src/testing/llama-cpp.js';

const PROMPT = [1, 40, 90, 200, 17];
const STEPS = 40;

describe('reference engine vs llama.cpp on files from synthesizeModel', () => {
  let directory: string;
  beforeAll(async () => {
    directory = await mkdtemp(path.join(tmpdir(), 'x-reference-synth-'));
  });
  afterAll(() => rm(directory, { recursive: true, force: true }));

  it.each([
    ['tiny-llama', 'Q4_0', GGMLType.Q4_0],
    ['tiny-qwen2', 'Q8_0', GGMLType.Q8_0],
  ] as const)('%s, %s matrices', async (shape, _typeName, type) => {
    const file = path.join(directory, `${shape}.gguf`);
    await synthesizeModel({ shape, type, path: file, seed: 7, std: 0.15 });
    const oracle = await llamaCppGreedy(file, PROMPT, STEPS);
    const engine = await loadReferenceEngine(file);
    const comparison = await compareTeacherForced(engine, PROMPT, oracle);
    await engine.dispose();
    expect(oracle).toHaveLength(STEPS);
    expect(comparison.worstShortfall).toBeLessThan(NEAR_TIE);
    expect(comparison.agreed).toBeGreaterThanOrEqual(STEPS - 4);
  });
});
