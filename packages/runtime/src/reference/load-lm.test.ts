import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { type MockHub, startMockHub } from '../hub/testing/mock-hub-server.js';
import { loadLM } from './load-lm.js';

const gguf = path.join(sharedModelsDir, 'stories260K.gguf');
let hub: MockHub;
let cacheDir: string;

beforeAll(async () => {
  hub = await startMockHub({ repos: { 'karpathy/stories': { 'stories260K.gguf': gguf } } });
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-reference-hub-'));
});
afterAll(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('loadLM with an hf: reference', () => {
  it('downloads the GGUF once and gives the same tokens as the local file', async () => {
    const hubOptions = { endpoint: hub.endpoint, cacheDir, onProgress: false as const };
    const remote = await loadLM('hf:karpathy/stories/stories260K.gguf', { hub: hubOptions });
    const local = await loadLM(gguf);
    const options = { maxTokens: 8, temperature: 0 };
    const [a, b] = [
      await remote.complete('Once upon a time', options),
      await local.complete('Once upon a time', options),
    ];
    expect(a.tokenIds).toEqual(b.tokenIds);
    expect(a.tokenIds?.length).toBeGreaterThan(0);
    await Promise.all([remote.dispose(), local.dispose()]);
  });
});
