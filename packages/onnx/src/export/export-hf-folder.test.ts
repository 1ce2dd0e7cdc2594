import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AutoModelForCausalLM, AutoTokenizer, env, Tensor } from '@huggingface/transformers';
import { loadReferenceEngine } from '@x/runtime';
import { sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareGreedy } from '../../test/greedy.js';
import { runXOnnx } from '../cli/run-x-onnx.js';
import { loadLM } from '../engine/load-lm.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stories = path.join(sharedModelsDir, 'stories260K.gguf');

describe('x-onnx export', () => {
  it('writes a folder that transformers.js and our loadLM both run, greedy-equal to the reference', async () => {
    const lines: string[] = [];
    const folder = path.join(dir, 'stories');
    expect(await runXOnnx(['export', stories, folder], (line) => lines.push(line))).toBe(0);
    expect(lines[0]).toContain('llama, 5 layers, vocab 512');

    env.allowRemoteModels = false;
    env.localModelPath = dir;
    const tokenizer = await AutoTokenizer.from_pretrained('stories');
    const model = await AutoModelForCausalLM.from_pretrained('stories', { dtype: 'fp32', device: 'cpu' });
    const lm = await loadLM(folder, { threads: 1 });
    const prompt = 'Once upon a time';
    const ids = lm.tokenizer.encode(prompt);
    expect(Array.from(tokenizer.encode(prompt))).toEqual(ids);

    const input = new Tensor('int64', BigInt64Array.from(ids.map(BigInt)), [1, ids.length]);
    const output = (await model.generate({
      input_ids: input,
      max_new_tokens: 16,
      do_sample: false,
    })) as Tensor;
    const theirs = (output.tolist() as bigint[][])[0]!.slice(ids.length).map(Number);
    const ours = await lm.complete(prompt, { temperature: 0, maxTokens: 16 });
    expect(ours.tokenIds!.length).toBeGreaterThan(4);
    expect(ours.tokenIds).toEqual(theirs.slice(0, ours.tokenIds!.length));

    const reference = await loadReferenceEngine(stories);
    const comparison = await compareGreedy(lm.engine, reference, ids, 32);
    expect(comparison.mismatches).toEqual([]);
    await Promise.all([lm.dispose(), model.dispose(), reference.dispose()]);
  });

  it('rejects a missing GGUF with ModelFormatError naming it', async () => {
    const missing = path.join(dir, 'missing.gguf');
    await expect(runXOnnx(['export', missing, path.join(dir, 'out')])).rejects.toMatchObject({
      name: 'ModelFormatError',
      path: missing,
    });
  });

  it('prints usage and fails on a bad command', async () => {
    const lines: string[] = [];
    expect(await runXOnnx(['convert'], (line) => lines.push(line))).toBe(2);
    expect(lines[0]).toContain('usage: x-onnx export');
  });
});
