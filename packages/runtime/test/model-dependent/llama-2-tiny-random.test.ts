import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { NEAR_TIE } from '../../src/engine/testing/oracle-agreement.js';
import { compareTeacherForced } from '../../src/engine/testing/reference-greedy.js';
import { sharedModelsDir } from '../../src/gguf/shared-models-dir.js';
import { loadReferenceEngine } from '../../src/reference/load-reference-engine.js';
import { llamaCppGreedy } from '../../src/testing/llama-cpp.js';

const modelPath = path.join(sharedModelsDir, 'llama-2-tiny-random.gguf');

describe('reference engine on llama-2-tiny-random (F16, Llama-2 vocabulary)', () => {
  it("follows llama.cpp's 40 greedy tokens", async () => {
    const prompt = [1, 450, 4996, 17354, 1701, 29916]; // <s> The quick brown fox
    const oracle = await llamaCppGreedy(modelPath, prompt, 40);
    const engine = await loadReferenceEngine(modelPath, { contextLength: 128 });
    expect(engine.info).toMatchObject({ weightType: 'F16', vocabSize: 32000, layerCount: 1 });
    const comparison = await compareTeacherForced(engine, prompt, oracle);
    expect(oracle).toHaveLength(40);
    expect(comparison.worstShortfall).toBeLessThan(NEAR_TIE);
    expect(comparison.agreed).toBeGreaterThanOrEqual(36);
    await engine.dispose();
  });
});
