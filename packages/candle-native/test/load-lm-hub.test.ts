import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type MockHub, startMockHub } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLM } from '../src/lm/load-lm.js';
import { storiesPath } from './support/paths.js';

let hub: MockHub;
let cacheDir: string;

beforeAll(async () => {
  hub = await startMockHub({ repos: { 'karpathy/stories': { 'stories260K.gguf': storiesPath } } });
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-candle-hub-'));
});
afterAll(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('loadLM with an hf: reference', () => {
  it('downloads the GGUF into the cache and generates what the local file generates', async () => {
    const hubOptions = { endpoint: hub.endpoint, cacheDir, onProgress: false as const };
    const options = { threads: 1, contextLength: 128, kvType: 'f32' as const };
    const remote = await loadLM('hf:karpathy/stories/stories260K.gguf', { ...options, hub: hubOptions });
    const local = await loadLM(storiesPath, options);
    const request = { maxTokens: 16, temperature: 0 };
    const ours = await remote.complete('Once upon a time', request);
    expect(ours.tokenIds).toEqual((await local.complete('Once upon a time', request)).tokenIds);
    expect(ours.tokenIds?.length).toBeGreaterThan(0);
    await Promise.all([remote.dispose(), local.dispose()]);
    await expect(
      loadLM('hf:karpathy/other/x.gguf', { ...options, hub: { cacheDir, offline: true } }),
    ).rejects.toMatchObject({ code: 'X_NOT_CACHED' });
  });
});
