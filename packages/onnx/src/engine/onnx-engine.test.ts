import path from 'node:path';
import { ContextLengthError } from '@x/core';
import { relativeL2, sharedModelsDir } from '@x/runtime/testing';
import { describe, expect, it } from 'vitest';
import { loadOnnxEngine } from './load-onnx-engine.js';
import type { OnnxEngine } from './onnx-engine.js';

const MODELS = [
  { folder: 'ort-genai-tiny-gqa-fp16', tolerance: 2e-2 },
  { folder: 'ort-genai-tiny-random-LlamaForCausalLM-fp16', tolerance: 2e-2 },
  { folder: 'ort-genai-tiny-random-gpt2-fp32', tolerance: 1e-4 },
];

function tokens(n: number, vocab: number): Int32Array {
  return Int32Array.from({ length: n }, (_, i) => (i * 37 + 11) % vocab);
}

async function cachedRows(engine: OnnxEngine, ids: Int32Array, prefill: number): Promise<Float32Array[]> {
  const seq = engine.createSequence();
  const vocab = engine.info.vocabSize;
  const [first] = await engine.forward([{ seq, tokens: ids.subarray(0, prefill), logitsFor: 'all' }]);
  const rows = Array.from({ length: prefill }, (_, i) => first!.subarray(i * vocab, (i + 1) * vocab));
  for (let i = prefill; i < ids.length; i++) {
    const [row] = await engine.forward([{ seq, tokens: ids.subarray(i, i + 1), logitsFor: 'last' }]);
    rows.push(row!);
  }
  engine.release(seq);
  return rows;
}

describe.each(MODELS)('$folder', ({ folder, tolerance }) => {
  it('gives the same logits with the KV cache as one pass over the whole sequence', async () => {
    const engine = await loadOnnxEngine(path.join(sharedModelsDir, folder), { threads: 1 });
    const vocab = engine.info.vocabSize;
    const ids = tokens(12, vocab);
    const whole = engine.createSequence();
    const [all] = await engine.forward([{ seq: whole, tokens: ids, logitsFor: 'all' }]);
    const rows = await cachedRows(engine, ids, 5);
    for (let i = 0; i < ids.length; i++) {
      expect(relativeL2(rows[i]!, all!.subarray(i * vocab, (i + 1) * vocab))).toBeLessThan(tolerance);
    }
    await engine.dispose();
  });

  it('forks and truncates along the time axis', async () => {
    const engine = await loadOnnxEngine(path.join(sharedModelsDir, folder), { threads: 1 });
    const ids = tokens(8, engine.info.vocabSize);
    const seq = engine.createSequence();
    await engine.forward([{ seq, tokens: ids, logitsFor: 'last' }]);
    const [expected] = await engine.forward([{ seq, tokens: Int32Array.of(3), logitsFor: 'last' }]);
    const fork = engine.fork(seq, 8);
    engine.truncate(seq, 8);
    const [fromTruncated] = await engine.forward([{ seq, tokens: Int32Array.of(3), logitsFor: 'last' }]);
    const [fromFork] = await engine.forward([{ seq: fork, tokens: Int32Array.of(3), logitsFor: 'last' }]);
    expect(engine.sequenceLength(seq)).toBe(9);
    expect(relativeL2(fromTruncated!, expected!)).toBeLessThan(1e-6);
    expect(relativeL2(fromFork!, expected!)).toBeLessThan(1e-6);
    await engine.dispose();
  });
});

describe('OnnxEngine', () => {
  const gpt2 = path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32');

  it('rejects a prompt longer than the context with ContextLengthError', async () => {
    const engine = await loadOnnxEngine(gpt2, { contextLength: 8 });
    const seq = engine.createSequence();
    await expect(engine.forward([{ seq, tokens: tokens(9, 100), logitsFor: 'last' }])).rejects.toBeInstanceOf(
      ContextLengthError,
    );
    expect(engine.sequenceLength(seq)).toBe(0);
    await engine.dispose();
  });

  it('leaves the sequences untouched when aborted', async () => {
    const engine = await loadOnnxEngine(gpt2);
    const seq = engine.createSequence();
    const controller = new AbortController();
    controller.abort();
    await expect(
      engine.forward([{ seq, tokens: tokens(4, 100), logitsFor: 'last' }], controller.signal),
    ).rejects.toMatchObject({ name: 'AbortError' });
    expect(engine.sequenceLength(seq)).toBe(0);
    await engine.dispose();
  });

  it('runs a batch of sequences, each with its own cache', async () => {
    const engine = await loadOnnxEngine(gpt2);
    const [a, b] = [engine.createSequence(), engine.createSequence()];
    const [alone] = await engine.forward([{ seq: a, tokens: tokens(5, 100), logitsFor: 'last' }]);
    engine.truncate(a, 0);
    const [first, second] = await engine.forward([
      { seq: a, tokens: tokens(5, 100), logitsFor: 'last' },
      { seq: b, tokens: tokens(3, 100), logitsFor: 'last' },
    ]);
    expect(relativeL2(first!, alone!)).toBeLessThan(1e-6);
    expect(relativeL2(second!, alone!)).toBeGreaterThan(1e-3);
    expect([engine.sequenceLength(a), engine.sequenceLength(b)]).toEqual([5, 3]);
    await engine.dispose();
  });
});

describe.each(MODELS)('$folder: batched decode', ({ folder, tolerance }) => {
  it('runs decode steps of equal and unequal lengths in one session call with the same logits as alone', async () => {
    const engine = await loadOnnxEngine(path.join(sharedModelsDir, folder), { threads: 1 });
    const vocab = engine.info.vocabSize;
    const prompts = [tokens(6, vocab), tokens(6, vocab).map((t) => (t + 5) % vocab), tokens(4, vocab)];
    const seqs = prompts.map(() => engine.createSequence());
    await engine.forward(seqs.map((seq, i) => ({ seq, tokens: prompts[i]!, logitsFor: 'last' as const })));
    const alone: Float32Array[] = [];
    for (const seq of seqs) {
      const fork = engine.fork(seq);
      alone.push((await engine.forward([{ seq: fork, tokens: Int32Array.of(9), logitsFor: 'last' }]))[0]!);
    }
    const before = engine.stats.sessionRuns;
    const together = await engine.forward(
      seqs.map((seq) => ({ seq, tokens: Int32Array.of(9), logitsFor: 'last' as const })),
    );
    expect(engine.stats.sessionRuns - before).toBe(1);
    for (const [i, logits] of together.entries())
      expect(relativeL2(logits, alone[i]!)).toBeLessThan(tolerance);
    // the batched presents serve as each sequence's own cache afterwards
    const [next] = await engine.forward([{ seq: seqs[0]!, tokens: Int32Array.of(4), logitsFor: 'last' }]);
    const reference = engine.createSequence();
    const [expected] = await engine.forward([
      { seq: reference, tokens: Int32Array.from([...prompts[0]!, 9, 4]), logitsFor: 'last' },
    ]);
    expect(relativeL2(next!, expected!)).toBeLessThan(tolerance);
    await engine.dispose();
  });
});
