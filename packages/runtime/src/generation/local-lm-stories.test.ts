import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Engine } from '../engine/engine.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadLM } from '../reference/load-lm.js';
import { argmax } from '../sampling/argmax.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');

async function loadStories(options: { prefixCacheSize?: number } = {}) {
  const lm = await loadLM(modelPath, { contextLength: 128, ...options });
  return { engine: lm.engine, tokenizer: lm.tokenizer, lm };
}

/** The slow twin: a plain greedy loop straight over the engine, one token per forward call. */
async function plainGreedy(engine: Engine, prompt: number[], count: number): Promise<number[]> {
  const seq = engine.createSequence();
  let logits = (await engine.forward([{ seq, tokens: Int32Array.from(prompt), logitsFor: 'last' }]))[0]!;
  const tokens: number[] = [];
  while (tokens.length < count) {
    tokens.push(argmax(logits));
    if (tokens.length === count) break;
    logits = (await engine.forward([{ seq, tokens: Int32Array.of(tokens.at(-1)!), logitsFor: 'last' }]))[0]!;
  }
  engine.release(seq);
  return tokens;
}

describe('LocalLM over the reference engine on stories260K', () => {
  it('picks the plain template and matches a plain greedy loop, alone and batched', async () => {
    const { lm, engine, tokenizer } = await loadStories();
    expect(lm.chatTemplate.name).toBe('fallback:plain');
    const prompts = ['Once upon a time', 'The cat sat', 'Lily and Ben went'];
    const expected = [];
    for (const prompt of prompts) {
      expected.push(await plainGreedy(engine, tokenizer.encode(prompt, { addSpecial: true }), 24));
    }
    const alone = await lm.complete(prompts[0]!, { maxTokens: 24 });
    expect(alone.tokenIds).toEqual(expected[0]);
    expect(alone.text).toBe(tokenizer.decode(expected[0]!, { skipSpecial: true }));
    const batched = await Promise.all(prompts.map((prompt) => lm.complete(prompt, { maxTokens: 24 })));
    expect(batched.map((result) => result.tokenIds)).toEqual(expected);
    const chat = await lm.generate([{ role: 'user', content: prompts[1]! }], { maxTokens: 24 });
    expect(chat.tokenIds).toEqual(expected[1]);
    await lm.dispose();
  });

  it('reuses the prefix cache without changing the tokens', async () => {
    const cached = await loadStories();
    const uncached = await loadStories({ prefixCacheSize: 0 });
    const story = 'Once upon a time, there was a little girl named Lily.';
    for (const prompt of [story, story, `${story} She liked`, 'Once upon a time, there was a dog']) {
      const want = await uncached.lm.complete(prompt, { maxTokens: 12 });
      expect((await cached.lm.complete(prompt, { maxTokens: 12 })).tokenIds).toEqual(want.tokenIds);
    }
    await cached.lm.dispose();
    await uncached.lm.dispose();
  });
});

describe('more requests than KV slots on the reference engine', () => {
  it('40 simultaneous calls on 16 slots all succeed, each with its solo tokens', async () => {
    const { lm, engine } = await loadStories();
    const words = ['Once', 'The', 'A', 'Tom', 'Lily', 'One day', 'She', 'He'];
    const prompts = Array.from({ length: 40 }, (_, i) => `${words[i % words.length]} ${i}`);
    const options = { maxTokens: 6, temperature: 0 };
    const calls = prompts.map((prompt) => lm.complete(prompt, options));
    const results = await Promise.all(calls);
    expect(lm.stats()).toMatchObject({ queueDepth: 0, activeRequests: 0, kvSlots: 16 });
    for (const [i, prompt] of prompts.entries()) {
      const tokens = lm.encodeRequest({ kind: 'completion', prompt });
      expect(results[i]!.tokenIds).toEqual(await plainGreedy(engine, tokens, results[i]!.tokenIds!.length));
    }
    await lm.dispose();
  });
});
