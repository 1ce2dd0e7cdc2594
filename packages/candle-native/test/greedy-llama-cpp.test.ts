import { argmax } from '@x/runtime';
import { llamaCppBos, llamaCppGreedy } from '@x/runtime/testing/llama-cpp';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { storiesPath } from './support/paths.js';

const promptTokens = [403, 407, 261, 378];
const steps = 64;

describe('greedy decoding on stories260K', () => {
  it(`equals node-llama-cpp for ${steps} tokens`, async () => {
    const bos = await llamaCppBos(storiesPath);
    const expected = await llamaCppGreedy(storiesPath, [bos, ...promptTokens], steps);
    expect(expected.slice(0, 4)).toEqual([432, 383, 286, 261]);
    const engine = await loadEngine(storiesPath, { threads: 1, contextLength: 256, kvType: 'f32' });
    const seq = engine.createSequence();
    const generated: number[] = [];
    let input = Int32Array.of(bos, ...promptTokens);
    while (generated.length < expected.length) {
      const [logits] = await engine.forward([{ seq, tokens: input, logitsFor: 'last' }]);
      const next = argmax(logits!);
      generated.push(next);
      input = Int32Array.of(next);
    }
    await engine.dispose();
    expect(generated).toEqual(expected);
  });
});
