import { AbortError } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import { storiesPath } from './support/paths.js';
import { signalFiringOnSubscribe } from './support/signal-firing-on-subscribe.js';

let engine: NativeEngine;
beforeAll(async () => {
  engine = await loadEngine(storiesPath, { threads: 1, contextLength: 256, kvType: 'f32' });
});
afterAll(() => engine.dispose());

describe('NativeEngine abort', () => {
  it('rejects with AbortError before crossing into C++ when the signal already fired', async () => {
    const seq = engine.createSequence();
    const error = await engine
      .forward([{ seq, tokens: Int32Array.of(1, 2), logitsFor: 'last' }], AbortSignal.abort())
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect(engine.sequenceLength(seq)).toBe(0);
    engine.release(seq);
  });

  it('aborts a forward in C++ and leaves the sequence as before the call', async () => {
    const seq = engine.createSequence();
    await engine.forward([{ seq, tokens: Int32Array.of(1, 403), logitsFor: 'last' }]);
    const signal = signalFiringOnSubscribe();
    const error = await engine
      .forward([{ seq, tokens: new Int32Array(200).fill(300), logitsFor: 'all' }], signal)
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AbortError);
    expect((error as AbortError).cause).toBe(signal.reason);
    expect(engine.sequenceLength(seq)).toBe(2);
    const [logits] = await engine.forward([{ seq, tokens: Int32Array.of(407), logitsFor: 'last' }]);
    expect(logits?.length).toBe(512);
    expect(engine.sequenceLength(seq)).toBe(3);
    engine.release(seq);
  });

  it('settles a forward in flight when the engine is disposed', async () => {
    const other = await loadEngine(storiesPath, { threads: 1, contextLength: 256 });
    const seq = other.createSequence();
    const forward = other.forward([{ seq, tokens: new Int32Array(250).fill(9), logitsFor: 'all' }]);
    await other.dispose();
    const outcome = await forward.then(
      (rows) => rows[0]?.length,
      (error: unknown) => error,
    );
    if (typeof outcome === 'number') expect(outcome).toBe(250 * 512);
    else expect(outcome).toBeInstanceOf(AbortError);
  });
});
