import { ContextLengthError, LMError } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import { storiesPath } from './support/paths.js';

let engine: NativeEngine;
beforeAll(async () => {
  engine = await loadEngine(storiesPath, { threads: 1, contextLength: 16, maxSequences: 4 });
});
afterAll(() => engine.dispose());

describe('NativeEngine argument checks', () => {
  it('rejects bad load options before loading', async () => {
    await expect(loadEngine(storiesPath, { threads: 0 })).rejects.toThrow(RangeError);
    await expect(loadEngine(storiesPath, { contextLength: 1.5 })).rejects.toThrow(RangeError);
    await expect(loadEngine(storiesPath, { kvType: 'q8' as never })).rejects.toThrow(TypeError);
    await expect(loadEngine(42 as never)).rejects.toThrow(TypeError);
    await expect(loadEngine(storiesPath, { contextLength: 1 << 20 })).rejects.toThrow(RangeError);
    await expect(loadEngine(storiesPath, { inlineForwardMs: -1 })).rejects.toThrow(/inlineForwardMs/);
    await expect(loadEngine(storiesPath, { inlineForwardMs: Number.NaN })).rejects.toThrow(TypeError);
  });

  it('rejects unknown sequence ids with RangeError', async () => {
    expect(() => engine.sequenceLength(999)).toThrow(RangeError);
    expect(() => engine.fork(999)).toThrow(RangeError);
    expect(() => engine.truncate(999, 0)).toThrow(RangeError);
    await expect(engine.forward([{ seq: 999, tokens: Int32Array.of(1), logitsFor: 'last' }])).rejects.toThrow(
      /unknown sequence 999/,
    );
  });

  it('rejects malformed requests with TypeError or RangeError', async () => {
    const seq = engine.createSequence();
    await expect(engine.forward([{ seq, tokens: [1, 2] as never, logitsFor: 'last' }])).rejects.toThrow(
      TypeError,
    );
    await expect(
      engine.forward([{ seq, tokens: Int32Array.of(1), logitsFor: 'first' as never }]),
    ).rejects.toThrow(TypeError);
    await expect(engine.forward([{ seq, tokens: Int32Array.of(512), logitsFor: 'last' }])).rejects.toThrow(
      /outside the vocabulary/,
    );
    await expect(engine.forward([{ seq, tokens: Int32Array.of(-1), logitsFor: 'last' }])).rejects.toThrow(
      RangeError,
    );
    await expect(engine.forward([{ seq, tokens: new Int32Array(0), logitsFor: 'last' }])).rejects.toThrow(
      RangeError,
    );
    expect(() => engine.fork(seq, -1)).toThrow(RangeError);
    expect(() => engine.fork(seq, 5)).toThrow(RangeError);
    expect(() => engine.truncate(seq, Number.NaN)).toThrow(RangeError);
    expect(engine.sequenceLength(seq)).toBe(0);
    engine.release(seq);
  });

  it('rejects a forward past the context with ContextLengthError and keeps the sequence', async () => {
    const seq = engine.createSequence();
    await engine.forward([{ seq, tokens: new Int32Array(10).fill(5), logitsFor: 'last' }]);
    const error = await engine
      .forward([{ seq, tokens: new Int32Array(7).fill(5), logitsFor: 'last' }])
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(error).toMatchObject({ promptTokens: 17, contextLength: 16 });
    expect(engine.sequenceLength(seq)).toBe(10);
    const [logits] = await engine.forward([{ seq, tokens: new Int32Array(6).fill(5), logitsFor: 'last' }]);
    expect(logits?.length).toBe(512);
    engine.release(seq);
  });

  it('throws LMError once disposed', async () => {
    const other = await loadEngine(storiesPath, { threads: 1, contextLength: 8 });
    await other.dispose();
    await other.dispose();
    expect(() => other.createSequence()).toThrow(LMError);
    await expect(other.forward([])).rejects.toThrow(LMError);
  });
});
