import { grammar } from '@x/core';
import { argmaxRows } from '@x/runtime';
import { CONSTRAINED_LOOKUP_CASE } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import { loadLM } from '../src/lm/load-lm.js';
import type { AddonContext } from '../src/native/native-binding.js';
import { storiesPath } from './support/paths.js';

/** A mask of `vocab` tokens allowing those `keep` says yes to. */
function maskOf(vocab: number, keep: (id: number) => boolean): Uint32Array {
  const mask = new Uint32Array(Math.ceil(vocab / 32));
  for (let id = 0; id < vocab; id++) if (keep(id)) mask[id >>> 5]! |= 1 << (id & 31);
  return mask;
}

let engine: NativeEngine;
let twin: NativeEngine;
beforeAll(async () => {
  engine = await loadEngine(storiesPath, { threads: 2, contextLength: 256 });
  twin = await loadEngine(storiesPath, { threads: 2, contextLength: 256 });
});
afterAll(async () => {
  await engine.dispose();
  await twin.dispose();
});

describe('candle-native forwardArgmax with token masks', () => {
  it("each row's id is the first largest allowed logit of forward's row; an empty mask gives -1", async () => {
    const vocab = engine.info.vocabSize;
    const prompt = Int32Array.of(1, 403, 407, 5, 90, 31);
    const [logits] = await twin.forward([{ seq: twin.createSequence(), tokens: prompt, logitsFor: 'all' }]);
    const top = argmaxRows(logits!, vocab);
    // Every third token except each row's own argmax: the pick must move off it.
    const allowed = maskOf(vocab, (id) => id % 3 === 1 && !top.includes(id));
    const want = argmaxRows(logits!, vocab, allowed);
    expect(Array.from(want).every((id, row) => id !== top[row] && id % 3 === 1)).toBe(true);
    const a = engine.createSequence();
    const b = engine.createSequence();
    const c = engine.createSequence();
    const [ids, empty, plain] = await engine.forwardArgmax([
      { seq: a, tokens: prompt, logitsFor: 'all', allowed },
      { seq: b, tokens: prompt, logitsFor: 'last', allowed: new Uint32Array(Math.ceil(vocab / 32)) },
      { seq: c, tokens: prompt, logitsFor: 'last' },
    ]);
    expect(Array.from(ids!)).toEqual(Array.from(want));
    expect(Array.from(empty!)).toEqual([-1]);
    expect(Array.from(plain!)).toEqual([top[top.length - 1]]);
    // forward ignores masks.
    const [row] = await engine.forward([{ seq: a, tokens: Int32Array.of(7), logitsFor: 'last', allowed }]);
    expect(row!.length).toBe(vocab);
    for (const seq of [a, b, c]) engine.release(seq);
  });

  it('one mask per row: each row picks within its own; the addon refuses masks that are not one per row', async () => {
    const vocab = engine.info.vocabSize;
    const words = Math.ceil(vocab / 32);
    const prompt = Int32Array.of(1, 403, 407, 5, 90, 31);
    const [logits] = await twin.forward([{ seq: twin.createSequence(), tokens: prompt, logitsFor: 'all' }]);
    const top = argmaxRows(logits!, vocab);
    // Row r: every third token from r, less the row's argmax; the last row: nothing.
    const perRow = Array.from(prompt, (_, row) =>
      row === prompt.length - 1
        ? new Uint32Array(words)
        : maskOf(vocab, (id) => id % 3 === row % 3 && id !== top[row]),
    );
    const want = Array.from(
      top,
      (_, row) => argmaxRows(logits!.subarray(row * vocab, (row + 1) * vocab), vocab, perRow[row])[0],
    );
    expect(want.at(-1)).toBe(-1);
    expect(want.slice(0, -1).every((id, row) => id !== top[row] && id! % 3 === row % 3)).toBe(true);
    const a = engine.createSequence();
    const b = engine.createSequence();
    const [ids, last] = await engine.forwardArgmax([
      { seq: a, tokens: prompt, logitsFor: 'all', allowed: perRow },
      { seq: b, tokens: prompt, logitsFor: 'last', allowed: [perRow[0]!] },
    ]);
    expect(Array.from(ids!)).toEqual(want);
    expect(Array.from(last!)).toEqual(
      Array.from(argmaxRows(logits!.subarray((prompt.length - 1) * vocab), vocab, perRow[0])),
    );
    // Not one per row: RangeError from the engine and from the addon, the sequence left as it was.
    await expect(
      engine.forwardArgmax([{ seq: b, tokens: Int32Array.of(5, 6), logitsFor: 'all', allowed: perRow }]),
    ).rejects.toThrow(RangeError);
    expect(engine.sequenceLength(b)).toBe(prompt.length);
    const context = (engine as unknown as { context: AddonContext }).context;
    const seq = context.createSequence();
    const call = (allowed: unknown, all = true) =>
      context.forwardArgmaxSync([
        { seq, tokens: Int32Array.of(1, 403), all, allowed: allowed as Uint32Array },
      ]);
    expect(() => call([perRow[0]])).toThrow('batch[0].allowed holds 1 row masks for 2 rows');
    expect(() => call([perRow[0], new Int32Array(words)])).toThrow(TypeError);
    expect(() => call([perRow[0], new Uint32Array(words - 1)])).toThrow(
      `batch[0].allowed[1] holds ${words - 1} words; the vocabulary needs ${words}`,
    );
    expect(context.sequenceLength(seq)).toBe(0);
    // The same mask object on consecutive rows, and one row of a 'last' item.
    const shared = perRow[1]!;
    expect(Array.from(call([shared, shared]))).toEqual(Array.from(call(shared)));
    expect(call([shared], false).length).toBe(1);
    context.releaseSequence(seq);
    for (const s of [a, b]) engine.release(s);
  });

  it('the addon refuses a mask that is not a Uint32Array or is too short, and leaves the sequence', () => {
    const context = (engine as unknown as { context: AddonContext }).context;
    const seq = context.createSequence();
    const tokens = Int32Array.of(1, 403);
    const words = Math.ceil(engine.info.vocabSize / 32);
    const call = (allowed: unknown) =>
      context.forwardArgmaxSync([{ seq, tokens, all: false, allowed: allowed as Uint32Array }]);
    expect(() => call(new Int32Array(words))).toThrow(TypeError);
    expect(() => call([1, 2])).toThrow(/allowed must be a Uint32Array/);
    expect(() => call(new Uint32Array(words - 1))).toThrow(RangeError);
    expect(() => call(new Uint32Array(words - 1))).toThrow(
      `holds ${words - 1} words; the vocabulary needs ${words}`,
    );
    expect(context.sequenceLength(seq)).toBe(0);
    // A longer mask is fine: words past the vocabulary are not read.
    expect(Array.from(call(new Uint32Array(words + 3).fill(0xffffffff))).length).toBe(1);
    expect(context.sequenceLength(seq)).toBe(2);
    context.releaseSequence(seq);
  });

  it('a constrained greedy call gives the same tokens through masked argmax steps as through logits', async () => {
    const constraint = {
      name: 'pet',
      grammar: grammar.seq(
        grammar.alt(grammar.literal('The cat'), grammar.literal('The dog'), grammar.literal('A bird')),
        grammar.repeat(grammar.oneOf('abcdefghijklmnopqrstuvwxyz '), 1, 40),
        grammar.literal('.'),
      ),
    };
    const run = async (engineArgmax: boolean) => {
      const lm = await loadLM(storiesPath, {
        threads: 2,
        contextLength: 256,
        engineArgmax,
        promptLookupMaxBatch: 0,
      });
      let argmaxCalls = 0;
      let masked = 0;
      const forwardArgmax = lm.engine.forwardArgmax!.bind(lm.engine);
      (lm.engine as { forwardArgmax: typeof forwardArgmax }).forwardArgmax = (batch, signal) => {
        argmaxCalls++;
        masked += batch.filter((request) => request.allowed !== undefined).length;
        return forwardArgmax(batch, signal);
      };
      const result = await lm.complete('Once upon a time', { maxTokens: 30, constraint });
      await lm.dispose();
      return { result, argmaxCalls, masked };
    };
    const viaMask = await run(true);
    const viaLogits = await run(false);
    expect(viaLogits.argmaxCalls).toBe(0);
    expect(viaMask.argmaxCalls).toBeGreaterThan(5);
    expect(viaMask.masked).toBe(viaMask.argmaxCalls);
    expect(viaMask.result.tokenIds).toEqual(viaLogits.result.tokenIds);
    expect(viaMask.result.text).toBe(viaLogits.result.text);
    expect(viaMask.result.text).toMatch(/^\s?(The cat|The dog|A bird)[a-z ]*\.?$/);
  });

  it('a constrained greedy call with prompt-lookup drafts: every step a masked argmax, one mask per drafted row, the same text as undrafted', async () => {
    const { constraint, prompt } = CONSTRAINED_LOOKUP_CASE;
    const run = async (engineArgmax: boolean, promptLookupMaxBatch: number) => {
      const lm = await loadLM(storiesPath, {
        threads: 2,
        contextLength: 256,
        engineArgmax,
        promptLookupMaxBatch,
        promptLookupVerifyCostPerToken: 0,
      });
      let argmaxCalls = 0;
      let rowMasked = 0;
      let logitsCalls = 0;
      const forward = lm.engine.forward.bind(lm.engine);
      (lm.engine as { forward: typeof forward }).forward = (...args) => {
        logitsCalls++;
        return forward(...args);
      };
      const forwardArgmax = lm.engine.forwardArgmax!.bind(lm.engine);
      (lm.engine as { forwardArgmax: typeof forwardArgmax }).forwardArgmax = (batch, signal) => {
        argmaxCalls++;
        rowMasked += batch.filter((request) => Array.isArray(request.allowed)).length;
        return forwardArgmax(batch, signal);
      };
      const result = await lm.complete(prompt, { maxTokens: 48, constraint });
      const stats = lm.stats();
      await lm.dispose();
      return { result, argmaxCalls, rowMasked, logitsCalls, stats };
    };
    const drafted = await run(true, 2);
    const viaLogits = await run(false, 2);
    const undrafted = await run(true, 0);
    expect(drafted.stats.acceptedDraftTokens).toBeGreaterThan(0);
    expect(drafted.rowMasked).toBeGreaterThan(0);
    expect(drafted.logitsCalls).toBe(0);
    expect(drafted.argmaxCalls).toBeGreaterThan(0);
    expect(viaLogits.argmaxCalls).toBe(0);
    expect(drafted.stats.draftedTokens).toBe(viaLogits.stats.draftedTokens);
    expect(drafted.stats.acceptedDraftTokens).toBe(viaLogits.stats.acceptedDraftTokens);
    expect(drafted.result.tokenIds).toEqual(viaLogits.result.tokenIds);
    expect(drafted.result.tokenIds).toEqual(undrafted.result.tokenIds);
    expect(drafted.result.text).toBe(undrafted.result.text);
  });
});
