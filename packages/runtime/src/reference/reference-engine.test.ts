import { AbortError, ContextLengthError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { ARCHITECTURES } from './arch-table.js';
import { ReferenceEngine } from './reference-engine.js';
import { randomModel, TINY_SHAPE } from './testing/random-model.js';
import { toReferenceModel } from './testing/random-reference-model.js';

const tokens = (...ids: number[]) => Int32Array.from(ids);
const prompt = tokens(1, 17, 42, 99, 250, 3, 64, 128);

function engineFor(architecture = 'llama', contextLength?: number) {
  return new ReferenceEngine(toReferenceModel(randomModel(architecture)), { contextLength });
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

describe('ReferenceEngine', () => {
  it.each(Object.keys(ARCHITECTURES))(
    '%s: incremental decoding gives the logits of one full pass',
    async (arch) => {
      const engine = engineFor(arch);
      const full = engine.createSequence();
      const [all] = await engine.forward([{ seq: full, tokens: prompt, logitsFor: 'all' }]);
      const step = engine.createSequence();
      for (let i = 0; i < prompt.length; i++) {
        const [last] = await engine.forward([
          { seq: step, tokens: prompt.subarray(i, i + 1), logitsFor: 'last' },
        ]);
        const vocab = engine.info.vocabSize;
        expect(maxAbsDiff(last!, all!.subarray(i * vocab, (i + 1) * vocab))).toBeLessThanOrEqual(1e-5);
      }
      expect(engine.sequenceLength(step)).toBe(prompt.length);
      expect(Number.isFinite(all![0]!)).toBe(true);
    },
  );

  it('runs a batch of two sequences exactly as two separate calls', async () => {
    const engine = engineFor('qwen2');
    const [a, b] = [engine.createSequence(), engine.createSequence()];
    const other = tokens(5, 6, 7);
    const batched = await engine.forward([
      { seq: a, tokens: prompt, logitsFor: 'last' },
      { seq: b, tokens: other, logitsFor: 'all' },
    ]);
    const [c, d] = [engine.createSequence(), engine.createSequence()];
    const [separateA] = await engine.forward([{ seq: c, tokens: prompt, logitsFor: 'last' }]);
    const [separateB] = await engine.forward([{ seq: d, tokens: other, logitsFor: 'all' }]);
    expect(batched[0]).toEqual(separateA);
    expect(batched[1]).toEqual(separateB);
    expect(batched[1]!.length).toBe(3 * engine.info.vocabSize);
  });

  it('forks a prefix without touching the source, and truncates to roll back', async () => {
    const engine = engineFor();
    const seq = engine.createSequence();
    const [reference] = await engine.forward([{ seq, tokens: prompt, logitsFor: 'all' }]);
    const vocab = engine.info.vocabSize;
    const row = (i: number) => reference!.subarray(i * vocab, (i + 1) * vocab);

    const forked = engine.fork(seq, 3);
    expect(engine.sequenceLength(forked)).toBe(3);
    const [continued] = await engine.forward([{ seq: forked, tokens: prompt.subarray(3), logitsFor: 'all' }]);
    expect(maxAbsDiff(continued!, reference!.subarray(3 * vocab))).toBe(0);

    const [diverged] = await engine.forward([
      { seq: engine.fork(seq, 4), tokens: tokens(7), logitsFor: 'last' },
    ]);
    expect(maxAbsDiff(diverged!, row(4))).toBeGreaterThan(1e-3);
    expect(engine.sequenceLength(seq)).toBe(prompt.length);
    expect(engine.sequenceLength(engine.fork(seq))).toBe(prompt.length);

    engine.truncate(seq, 5);
    expect(engine.sequenceLength(seq)).toBe(5);
    const [again] = await engine.forward([{ seq, tokens: prompt.subarray(5), logitsFor: 'all' }]);
    expect(maxAbsDiff(again!, reference!.subarray(5 * vocab))).toBe(0);
    expect(() => engine.fork(seq, prompt.length + 1)).toThrow(RangeError);
    engine.release(seq);
    expect(() => engine.sequenceLength(seq)).toThrow(RangeError);
  });

  it('rejects context overflow before any work with ContextLengthError', async () => {
    const engine = engineFor('llama', 10);
    expect(engine.info.contextLength).toBe(10);
    const seq = engine.createSequence();
    await engine.forward([{ seq, tokens: prompt, logitsFor: 'last' }]);
    const overflow = engine.forward([{ seq, tokens: tokens(1, 2, 3), logitsFor: 'last' }]);
    await expect(overflow).rejects.toBeInstanceOf(ContextLengthError);
    await expect(overflow).rejects.toMatchObject({ promptTokens: 11, contextLength: 10 });
    expect(engine.sequenceLength(seq)).toBe(prompt.length);
    expect(engineFor('llama', 100_000).info.contextLength).toBe(TINY_SHAPE.contextLength);
    await expect(engine.forward([{ seq, tokens: tokens(5000), logitsFor: 'last' }])).rejects.toThrow(
      RangeError,
    );
  });

  it('aborts between tokens with AbortError and restores the sequence length', async () => {
    const engine = engineFor();
    const seq = engine.createSequence();
    await engine.forward([{ seq, tokens: prompt.subarray(0, 2), logitsFor: 'last' }]);

    const aborted = AbortSignal.abort();
    await expect(
      engine.forward([{ seq, tokens: prompt, logitsFor: 'last' }], aborted),
    ).rejects.toBeInstanceOf(AbortError);
    expect(engine.sequenceLength(seq)).toBe(2);

    const controller = new AbortController();
    const running = engine.forward([{ seq, tokens: prompt, logitsFor: 'all' }], controller.signal);
    setImmediate(() => controller.abort());
    await expect(running).rejects.toBeInstanceOf(AbortError);
    expect(engine.sequenceLength(seq)).toBe(2);

    const [afterAbort] = await engine.forward([{ seq, tokens: prompt.subarray(2), logitsFor: 'last' }]);
    const fresh = engine.createSequence();
    const [expected] = await engine.forward([{ seq: fresh, tokens: prompt, logitsFor: 'last' }]);
    expect(maxAbsDiff(afterAbort!, expected!)).toBe(0);
  });

  it('limits sliding layers to the window (two sliding layers see 2·(w−1)+1 positions)', async () => {
    const engine = engineFor('gemma3'); // layers 0 and 1 slide (pattern 6), window 8
    const length = 20;
    const base = Int32Array.from({ length }, (_, i) => (i * 37 + 11) % 300);
    const changed = base.slice();
    changed[0] = 299;
    const [a] = await engine.forward([{ seq: engine.createSequence(), tokens: base, logitsFor: 'all' }]);
    const [b] = await engine.forward([{ seq: engine.createSequence(), tokens: changed, logitsFor: 'all' }]);
    const vocab = engine.info.vocabSize;
    const row = (logits: Float32Array, i: number) => logits.subarray(i * vocab, (i + 1) * vocab);
    expect(maxAbsDiff(row(a!, 14), row(b!, 14))).toBeGreaterThan(0);
    expect(maxAbsDiff(row(a!, 15), row(b!, 15))).toBe(0);
  });
});
