import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ForwardRequest } from '../engine/engine.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadLM } from '../reference/load-lm.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');

async function load(promptLookupMaxBatch: number) {
  // verify counted as free: drafts are made (and rolled back) even though this f32 engine pays per token
  const lm = await loadLM(modelPath, {
    contextLength: 256,
    promptLookupMaxBatch,
    promptLookupVerifyCostPerToken: 0,
  });
  const engine = lm.engine;
  const drafts: ForwardRequest[] = [];
  const forward = engine.forward.bind(engine);
  engine.forward = (batch, signal) => {
    drafts.push(...batch.filter((request) => request.logitsFor === 'all'));
    return forward(batch, signal);
  };
  return { lm, drafts };
}

const prompts = [
  'Once upon a time, there was a little girl named Lily. She loved to play outside. Once upon a time, there was a little',
  'Tom had a red ball. Tom liked the red ball. One day Tom',
  'The cat sat on the mat. The dog sat on the mat. The bird',
];

describe('prompt lookup on the reference engine (stories260K, F32)', () => {
  it('gives exactly the plain greedy tokens, drafting and rolling back along the way', async () => {
    const on = await load(2);
    const off = await load(0);
    for (const prompt of prompts) {
      const fast = await on.lm.complete(prompt, { maxTokens: 48 });
      const plain = await off.lm.complete(prompt, { maxTokens: 48 });
      expect(fast.tokenIds).toEqual(plain.tokenIds);
    }
    // run together: two requests still speculate, with their drafts in one forward call
    const both = await Promise.all(prompts.slice(0, 2).map((p) => on.lm.complete(p, { maxTokens: 48 })));
    for (const [i, result] of both.entries())
      expect(result.tokenIds).toEqual((await off.lm.complete(prompts[i]!, { maxTokens: 48 })).tokenIds);
    expect(on.drafts.length).toBeGreaterThan(5);
    expect(off.drafts).toEqual([]);
    await on.lm.dispose();
    await off.lm.dispose();
  });
});
