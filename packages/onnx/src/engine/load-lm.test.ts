import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { GGMLType, loadReferenceEngine, loadLM as loadReferenceLM, synthesizeModel } from '@x/runtime';
import { relativeL2, sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compareGreedy } from '../../test/greedy.js';
import { loadEngine } from './load-engine.js';
import { loadLM } from './load-lm.js';
import { OnnxEngine } from './onnx-engine.js';

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-lm-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

const stories = path.join(sharedModelsDir, 'stories260K.gguf');

describe('loadEngine on a GGUF', () => {
  it('stories260K: greedy tokens agree with the reference engine for 64 tokens', async () => {
    const engine = await loadEngine(stories, { cacheDir, threads: 1 });
    const reference = await loadReferenceEngine(stories);
    const result = await compareGreedy(engine, reference, [1, 403, 407, 261], 64);
    expect(result.mismatches).toEqual([]);
    expect(result.nearTies).toBeLessThan(8);
    await engine.dispose();
  });

  for (const shape of ['tiny-llama', 'tiny-qwen2']) {
    it(`${shape} (Q8_0, std 0.15): greedy tokens agree with the reference engine`, async () => {
      const gguf = path.join(cacheDir, `${shape}.gguf`);
      await synthesizeModel({ shape, path: gguf, type: GGMLType.Q8_0, std: 0.15 });
      const engine = await loadEngine(gguf, { cacheDir, threads: 1 });
      const reference = await loadReferenceEngine(gguf);
      const result = await compareGreedy(engine, reference, [1, 70, 80, 90], 64);
      expect(result.mismatches).toEqual([]);
      expect(result.nearTies).toBeLessThan(8);
      await engine.dispose();
    });
  }

  it('stories260K with contrib ops: greedy tokens agree with the reference engine', async () => {
    const engine = await loadEngine(stories, { cacheDir, threads: 1, contribOps: true });
    const reference = await loadReferenceEngine(stories);
    const result = await compareGreedy(engine, reference, [1, 403, 407, 261], 64);
    expect(result.mismatches).toEqual([]);
    expect(result.nearTies).toBeLessThan(8);
    await engine.dispose();
  });

  for (const contribOps of [false, true]) {
    it(`batches equal-length decode steps on the converted graph (contribOps ${contribOps})`, async () => {
      const engine = await loadEngine(stories, { cacheDir, threads: 1, contribOps });
      const reference = await loadReferenceEngine(stories);
      const prompts = [Int32Array.of(1, 403, 407), Int32Array.of(1, 261, 300)];
      const [a, b] = [engine.createSequence(), engine.createSequence()];
      await engine.forward([
        { seq: a, tokens: prompts[0]!, logitsFor: 'last' },
        { seq: b, tokens: prompts[1]!, logitsFor: 'last' },
      ]);
      const runs = engine.stats.sessionRuns;
      const batched = await engine.forward([
        { seq: a, tokens: Int32Array.of(5), logitsFor: 'last' },
        { seq: b, tokens: Int32Array.of(6), logitsFor: 'last' },
      ]);
      expect(engine.stats.sessionRuns - runs).toBe(1);
      for (const [i, next] of [5, 6].entries()) {
        const seq = reference.createSequence();
        const [expected] = await reference.forward([
          { seq, tokens: Int32Array.from([...prompts[i]!, next]), logitsFor: 'last' },
        ]);
        expect(relativeL2(batched[i]!, expected!)).toBeLessThan(1e-4);
      }
      await engine.dispose();
    });
  }

  it('converts once and reuses the cached folder', async () => {
    const first = await loadEngine(stories, { cacheDir });
    const started = performance.now();
    const second = await loadEngine(stories, { cacheDir });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(second.info).toEqual(first.info);
    const index = JSON.parse(await readFile(path.join(cacheDir, 'sha256-index.json'), 'utf8'));
    expect(Object.keys(index).some((key) => key.startsWith(`${stories}|`))).toBe(true);
    await Promise.all([first.dispose(), second.dispose()]);
  });
});

describe('loadLM', () => {
  it('completes like the reference LM on stories260K', async () => {
    const lm = await loadLM(stories, { cacheDir, threads: 1 });
    const reference = await loadReferenceLM(stories);
    const options = { temperature: 0, maxTokens: 24 };
    const ours = await lm.complete('Once upon a time', options);
    const theirs = await reference.complete('Once upon a time', options);
    expect(ours.tokenIds).toEqual(theirs.tokenIds);
    expect(ours.text.length).toBeGreaterThan(10);
    await Promise.all([lm.dispose(), reference.dispose()]);
  });

  const gpt2 = path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32');

  it('rejects a tokenizer larger than the logits with ModelFormatError naming the folder', async () => {
    await expect(loadLM(gpt2)).rejects.toMatchObject({
      name: 'ModelFormatError',
      path: gpt2,
      message: expect.stringContaining('1000'),
    });
  });

  it('disposes the engine of a converted GGUF when the vocabulary check throws', async () => {
    const dispose = vi.spyOn(OnnxEngine.prototype, 'dispose');
    try {
      const tokenizer = path.join(gpt2, 'tokenizer-vocab1000');
      await expect(loadLM(stories, { cacheDir, threads: 1, tokenizer })).rejects.toMatchObject({
        name: 'ModelFormatError',
      });
      expect(dispose).toHaveBeenCalledOnce();
    } finally {
      dispose.mockRestore();
    }
  });

  it('loads an onnxruntime-genai folder with a tokenizer given by path', async () => {
    const lm = await loadLM(gpt2, { threads: 1, tokenizer: path.join(gpt2, 'tokenizer-vocab1000') });
    const result = await lm.complete('hello world', { temperature: 0, maxTokens: 5 });
    expect(result.tokenIds?.length).toBe(5);
    expect(lm.engine.info.backend).toBe('onnx');
    await lm.dispose();
  });
});
