import { relativeL2 } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import { storiesPath } from './support/paths.js';

const prompt = Int32Array.of(1, 403, 407, 261, 378);
const other = Int32Array.of(1, 300, 310, 320);
let engine: NativeEngine;

beforeAll(async () => {
  engine = await loadEngine(storiesPath, { threads: 1, contextLength: 64, kvType: 'f32' });
});
afterAll(() => engine.dispose());

async function alone(tokens: Int32Array, logitsFor: 'last' | 'all'): Promise<Float32Array> {
  const seq = engine.createSequence();
  const [logits] = await engine.forward([{ seq, tokens, logitsFor }]);
  engine.release(seq);
  return logits!;
}

describe('NativeEngine sequences', () => {
  it('gives a batch of two sequences the same logits as each alone', async () => {
    const a = engine.createSequence();
    const b = engine.createSequence();
    const [batchA, batchB] = await engine.forward([
      { seq: a, tokens: prompt, logitsFor: 'all' },
      { seq: b, tokens: other, logitsFor: 'last' },
    ]);
    expect(batchA?.length).toBe(prompt.length * 512);
    expect(batchB?.length).toBe(512);
    expect(relativeL2(batchA!, await alone(prompt, 'all'))).toBeLessThanOrEqual(1e-5);
    expect(relativeL2(batchB!, await alone(other, 'last'))).toBeLessThanOrEqual(1e-5);
    expect(engine.sequenceLength(a)).toBe(prompt.length);
    engine.release(a);
    engine.release(b);
  });

  it('gives the last row of all logits as the last logits', async () => {
    const all = await alone(prompt, 'all');
    expect(relativeL2(all.subarray(4 * 512), await alone(prompt, 'last'))).toBeLessThanOrEqual(1e-5);
  });

  it('continues a fork like the original', async () => {
    const base = engine.createSequence();
    await engine.forward([{ seq: base, tokens: prompt, logitsFor: 'last' }]);
    const fork = engine.fork(base, 3);
    expect(engine.sequenceLength(fork)).toBe(3);
    const [forked] = await engine.forward([{ seq: fork, tokens: prompt.subarray(3), logitsFor: 'last' }]);
    expect(relativeL2(forked!, await alone(prompt, 'last'))).toBeLessThanOrEqual(1e-5);
    const whole = engine.fork(base);
    expect(engine.sequenceLength(whole)).toBe(prompt.length);
    for (const seq of [base, fork, whole]) engine.release(seq);
  });

  it('recomputes the same logits after a truncate', async () => {
    const seq = engine.createSequence();
    const [first] = await engine.forward([{ seq, tokens: prompt, logitsFor: 'last' }]);
    await engine.forward([{ seq, tokens: other, logitsFor: 'last' }]);
    engine.truncate(seq, 4);
    expect(engine.sequenceLength(seq)).toBe(4);
    const [again] = await engine.forward([{ seq, tokens: prompt.subarray(4), logitsFor: 'last' }]);
    expect(relativeL2(again!, first!)).toBeLessThanOrEqual(1e-5);
    engine.truncate(seq, 100);
    expect(engine.sequenceLength(seq)).toBe(5);
    engine.release(seq);
    engine.release(seq);
    expect(() => engine.sequenceLength(seq)).toThrow(RangeError);
  });

  it('runs forwards called without awaiting in call order', async () => {
    const seq = engine.createSequence();
    const first = engine.forward([{ seq, tokens: prompt.subarray(0, 3), logitsFor: 'last' }]);
    const second = engine.forward([{ seq, tokens: prompt.subarray(3), logitsFor: 'last' }]);
    const [, [last]] = await Promise.all([first, second]);
    expect(relativeL2(last!, await alone(prompt, 'last'))).toBeLessThanOrEqual(1e-5);
    expect(engine.sequenceLength(seq)).toBe(prompt.length);
    engine.release(seq);
  });

  it('keeps a truncate or release made while a forward runs', async () => {
    const kept = engine.createSequence();
    const dropped = engine.createSequence();
    await engine.forward([{ seq: kept, tokens: prompt, logitsFor: 'last' }]);
    const running = engine.forward([
      { seq: kept, tokens: other, logitsFor: 'last' },
      { seq: dropped, tokens: other, logitsFor: 'last' },
    ]);
    await Promise.resolve(); // the forward has crossed into C++; the calls below wait for it
    engine.truncate(kept, 2);
    engine.release(dropped);
    await running.catch(() => undefined);
    expect(engine.sequenceLength(kept)).toBe(2);
    expect(() => engine.sequenceLength(dropped)).toThrow(RangeError);
    engine.release(kept);
  });
});
