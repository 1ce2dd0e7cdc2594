import { getLlama } from 'node-llama-cpp';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { argmax } from './support/compare.js';
import { storiesPath } from './support/paths.js';

const promptTokens = [403, 407, 261, 378];
const steps = 64;

async function llamaCppGreedy(): Promise<number[]> {
  const llama = await getLlama({ gpu: false, build: 'never' });
  const model = await llama.loadModel({ modelPath: storiesPath });
  const context = await model.createContext({ contextSize: 256, threads: 2 });
  try {
    const bos = model.tokens.bos;
    if (bos === null) throw new Error('stories260K has no BOS token');
    const tokens: number[] = [];
    for await (const token of context
      .getSequence()
      .evaluate([bos, ...promptTokens] as never, { temperature: 0 })) {
      tokens.push(token as number);
      if (tokens.length === steps) break;
    }
    return tokens;
  } finally {
    await context.dispose();
    await model.dispose();
    await llama.dispose();
  }
}

describe('greedy decoding on stories260K', () => {
  it(`equals node-llama-cpp for ${steps} tokens`, async () => {
    const expected = await llamaCppGreedy();
    expect(expected.slice(0, 4)).toEqual([432, 383, 286, 261]);
    const engine = await loadEngine(storiesPath, { threads: 2, contextLength: 256, kvType: 'f32' });
    const seq = engine.createSequence();
    const generated: number[] = [];
    let input = Int32Array.of(1, ...promptTokens);
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
