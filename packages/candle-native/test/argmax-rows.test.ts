import { argmaxRows } from '@x/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import { storiesPath } from './support/paths.js';

let engine: NativeEngine;
let twin: NativeEngine;
beforeAll(async () => {
  // 3 sequences: the argmax buffer is first mapped with room for 3 rows, one huge page (1,024 rows of
  // this 512-token vocabulary)
  engine = await loadEngine(storiesPath, { threads: 2, contextLength: 512, maxSequences: 3 });
  twin = await loadEngine(storiesPath, { threads: 2, contextLength: 512, maxSequences: 3 });
});
afterAll(async () => {
  await engine.dispose();
  await twin.dispose();
});

const promptOf = (length: number, salt: number) =>
  Int32Array.from({ length }, (_, i) => 1 + ((i * 37 + salt * 11) % 500));

describe('candle-native forwardArgmax as its row count grows past the room mapped for it', () => {
  it('gives the logits argmax of every row: 1 row, then 2, then 1,200 (all logits of 3 × 400 tokens), then 1', async () => {
    const vocab = engine.info.vocabSize;
    expect(vocab * 4 * 1200).toBeGreaterThan(2 << 20);
    const [a, b, c] = [engine.createSequence(), engine.createSequence(), engine.createSequence()];
    const [ta, tb, tc] = [twin.createSequence(), twin.createSequence(), twin.createSequence()];
    const calls = [
      [{ on: [a, ta], tokens: promptOf(5, 1), all: false }],
      [
        { on: [a, ta], tokens: promptOf(1, 2), all: false },
        { on: [b, tb], tokens: promptOf(7, 3), all: false },
      ],
      [
        { on: [a, ta], tokens: promptOf(400, 4), all: true },
        { on: [b, tb], tokens: promptOf(400, 6), all: true },
        { on: [c, tc], tokens: promptOf(400, 7), all: true },
      ],
      [{ on: [a, ta], tokens: promptOf(1, 5), all: false }],
    ] as const;
    for (const call of calls) {
      const logitsFor = (all: boolean) => (all ? ('all' as const) : ('last' as const));
      const ids = await engine.forwardArgmax([
        ...call.map(({ on, tokens, all }) => ({ seq: on[0], tokens, logitsFor: logitsFor(all) })),
      ]);
      const logits = await twin.forward([
        ...call.map(({ on, tokens, all }) => ({ seq: on[1], tokens, logitsFor: logitsFor(all) })),
      ]);
      expect(ids.map((row) => Array.from(row))).toEqual(
        logits.map((rows) => Array.from(argmaxRows(rows, vocab))),
      );
    }
    expect(engine.sequenceLength(b)).toBe(7 + 400);
  });
});
