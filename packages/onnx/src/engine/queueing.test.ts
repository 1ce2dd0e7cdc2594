import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLM } from './load-lm.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-queue-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const words = ['Once', 'The', 'A', 'Tom', 'Lily', 'One day', 'She', 'He'];

describe('more requests than KV slots', () => {
  it('40 simultaneous calls on 16 slots all succeed, each with its solo tokens', async () => {
    const lm = await loadLM(path.join(sharedModelsDir, 'stories260K.gguf'), { cacheDir, threads: 1 });
    try {
      const prompts = Array.from({ length: 40 }, (_, i) => `${words[i % words.length]} ${i}`);
      const options = { maxTokens: 8, temperature: 0 };
      const results = await Promise.all(prompts.map((prompt) => lm.complete(prompt, options)));
      expect(lm.stats()).toMatchObject({ queueDepth: 0, activeRequests: 0, kvSlots: 16 });
      for (const [i, prompt] of prompts.entries()) {
        const solo = await lm.complete(prompt, options);
        expect(results[i]!.tokenIds).toEqual(solo.tokenIds);
      }
    } finally {
      await lm.dispose();
    }
  });
});
