import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { type MockHub, sharedModelsDir, startMockHub } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLM } from './load-lm.js';

const folder = path.join(sharedModelsDir, 'ort-genai-tiny-random-LlamaForCausalLM-fp16');
let hub: MockHub;
let cacheDir: string;

beforeAll(async () => {
  const files = Object.fromEntries(readdirSync(folder).map((name) => [name, path.join(folder, name)]));
  hub = await startMockHub({ repos: { 'x/tiny-llama-onnx': files } });
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-hub-'));
});
afterAll(async () => {
  await hub.close();
  await rm(cacheDir, { recursive: true, force: true });
});

describe('loadLM with an hf: ONNX folder', () => {
  it('fetches the export folder and generates what the local folder generates', async () => {
    const hubOptions = { endpoint: hub.endpoint, cacheDir, onProgress: false as const };
    const remote = await loadLM('hf:x/tiny-llama-onnx', { threads: 1, hub: hubOptions });
    const local = await loadLM(folder, { threads: 1 });
    const options = { maxTokens: 6, temperature: 0 };
    const ours = await remote.complete('hello world', options);
    expect(ours.tokenIds).toEqual((await local.complete('hello world', options)).tokenIds);
    expect(ours.tokenIds?.length).toBeGreaterThan(0);
    await Promise.all([remote.dispose(), local.dispose()]);
    const offline = await loadLM('hf:x/tiny-llama-onnx', { threads: 1, hub: { cacheDir, offline: true } });
    await offline.dispose();
  });
});
