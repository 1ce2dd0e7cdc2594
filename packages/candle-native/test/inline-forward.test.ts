import { setTimeout as sleep } from 'node:timers/promises';
import { AbortError } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import type { AddonContext } from '../src/native/native-binding.js';
import { storiesPath } from './support/paths.js';
import { signalFiringOnSubscribe } from './support/signal-firing-on-subscribe.js';

type ForwardMethod = 'forward' | 'forwardSync' | 'forwardArgmax' | 'forwardArgmaxSync';

/** Counts which of the addon's forward methods the engine calls. */
function countAddonCalls(engine: NativeEngine): Record<ForwardMethod, number> {
  const context = (engine as unknown as { context: AddonContext }).context;
  const counts: Record<ForwardMethod, number> = {
    forward: 0,
    forwardSync: 0,
    forwardArgmax: 0,
    forwardArgmaxSync: 0,
  };
  for (const method of Object.keys(counts) as ForwardMethod[]) {
    const original = (context[method] as (...args: unknown[]) => unknown).bind(context);
    // the addon's methods are read-only on its prototype: shadow them on the instance
    Object.defineProperty(context, method, {
      configurable: true,
      value: (...args: unknown[]) => {
        counts[method]++;
        return original(...args);
      },
    });
  }
  return counts;
}

async function greedy(
  engine: NativeEngine,
  steps: number,
): Promise<{ tokens: number[]; logits: Float32Array[] }> {
  const seq = engine.createSequence();
  const tokens: number[] = [];
  const logits: Float32Array[] = [];
  let next = Int32Array.of(1, 403, 407, 5);
  for (let step = 0; step < steps; step++) {
    const [rows] = await engine.forward([{ seq, tokens: next, logitsFor: 'last' }]);
    logits.push(rows!.slice());
    let best = 0;
    for (let i = 1; i < rows!.length; i++) if (rows![i]! > rows![best]!) best = i;
    tokens.push(best);
    next = Int32Array.of(best);
  }
  engine.release(seq);
  return { tokens, logits };
}

let inline: NativeEngine;
let worker: NativeEngine;
beforeAll(async () => {
  inline = await loadEngine(storiesPath, { threads: 2, contextLength: 256, inlineForwardMs: 1000 });
  worker = await loadEngine(storiesPath, { threads: 2, contextLength: 256, inlineForwardMs: 0 });
});
afterAll(async () => {
  await inline.dispose();
  await worker.dispose();
});

describe('forwards on the JS thread (inlineForwardMs)', () => {
  it('runs a size on the JS thread once a forward of it took at most the budget, with the same logits as a worker', async () => {
    const inlineCalls = countAddonCalls(inline);
    const workerCalls = countAddonCalls(worker);
    const onJsThread = await greedy(inline, 24);
    const onWorker = await greedy(worker, 24);
    expect(onJsThread.tokens).toEqual(onWorker.tokens);
    expect(onJsThread.logits).toEqual(onWorker.logits);
    // the 4-token prompt and the first 1-token step are timed on a worker; every later step is inline
    expect(inlineCalls).toMatchObject({ forward: 2, forwardSync: 22 });
    expect(workerCalls).toMatchObject({ forward: 24, forwardSync: 0 });
  });

  it('returns argmax ids from the JS thread equal to the logits argmax', async () => {
    const fresh = await loadEngine(storiesPath, { threads: 2, contextLength: 256, inlineForwardMs: 1000 });
    const calls = countAddonCalls(fresh);
    const seq = fresh.createSequence();
    const ids: number[] = [];
    let next = Int32Array.of(1, 403, 407, 5);
    for (let step = 0; step < 6; step++) {
      const [id] = await fresh.forwardArgmax([{ seq, tokens: next, logitsFor: 'last' }]);
      ids.push(id![0]!);
      next = Int32Array.of(id![0]!);
    }
    await fresh.dispose();
    const reference = await greedy(worker, 6);
    expect(calls).toMatchObject({ forwardArgmax: 2, forwardArgmaxSync: 4 });
    expect(ids).toEqual(reference.tokens);
  });

  it('lets the event loop take a turn before an inline forward resolves', async () => {
    const seq = inline.createSequence();
    await inline.forward([{ seq, tokens: Int32Array.of(1), logitsFor: 'last' }]);
    let immediateRan = false;
    setImmediate(() => {
      immediateRan = true;
    });
    const calls = countAddonCalls(inline);
    await inline.forward([{ seq, tokens: Int32Array.of(2), logitsFor: 'last' }]);
    expect(calls.forwardSync).toBe(1);
    expect(immediateRan).toBe(true);
    inline.release(seq);
  });

  it('applies a sequence call made by another task while the forward was pending after the forward', async () => {
    const seq = inline.createSequence();
    await inline.forward([{ seq, tokens: Int32Array.of(1, 403, 407), logitsFor: 'last' }]);
    await inline.forward([{ seq, tokens: Int32Array.of(9), logitsFor: 'last' }]);
    const calls = countAddonCalls(inline);
    setImmediate(() => inline.truncate(seq, 1));
    const [logits] = await inline.forward([{ seq, tokens: Int32Array.of(11), logitsFor: 'last' }]);
    expect(calls.forwardSync).toBe(1);
    expect(logits!.length).toBe(inline.info.vocabSize);
    expect(inline.sequenceLength(seq)).toBe(1);
    inline.release(seq);
  });

  it('aborts an inline forward with AbortError and leaves the sequence as it was', async () => {
    const seq = inline.createSequence();
    await inline.forward([{ seq, tokens: Int32Array.of(1, 403), logitsFor: 'last' }]);
    await inline.forward([{ seq, tokens: Int32Array.of(407), logitsFor: 'last' }]);
    const calls = countAddonCalls(inline);
    const error = await inline
      .forward([{ seq, tokens: Int32Array.of(5), logitsFor: 'last' }], signalFiringOnSubscribe())
      .catch((caught: unknown) => caught);
    expect(calls.forwardSync).toBe(1);
    expect(error).toBeInstanceOf(AbortError);
    expect(inline.sequenceLength(seq)).toBe(3);
    inline.release(seq);
  });

  it('times a worker forward by the engine alone: slow hand-offs do not keep a short step off the JS thread', async () => {
    const engine = await loadEngine(storiesPath, { threads: 2, contextLength: 256, inlineForwardMs: 50 });
    const context = (engine as unknown as { context: AddonContext }).context;
    const calls = countAddonCalls(engine);
    const viaWorker = context.forwardArgmax.bind(context);
    // a busy event loop: each worker forward resolves 80 ms after the engine finished it
    Object.defineProperty(context, 'forwardArgmax', {
      configurable: true,
      value: async (...args: Parameters<AddonContext['forwardArgmax']>) => {
        const ids = await viaWorker(...args);
        await sleep(80);
        return ids;
      },
    });
    const seq = engine.createSequence();
    let next = Int32Array.of(1, 403, 407, 5);
    for (let step = 0; step < 6; step++) {
      const [id] = await engine.forwardArgmax([{ seq, tokens: next, logitsFor: 'last' }]);
      next = Int32Array.of(id![0]!);
    }
    await engine.dispose();
    // the prompt and the first 1-token step on a worker (each took over 80 ms by the clock); then inline
    expect(calls).toMatchObject({ forwardArgmax: 2, forwardArgmaxSync: 4 });
  });

  it("reports the engine's time of the last forward, on a worker and on the JS thread", async () => {
    const engine = await loadEngine(storiesPath, { threads: 2, contextLength: 256, inlineForwardMs: 0 });
    const context = (engine as unknown as { context: AddonContext }).context;
    expect(context.lastForwardMs()).toBe(0);
    const seq = context.createSequence();
    let started = performance.now();
    await context.forwardArgmax([{ seq, tokens: Int32Array.of(1, 403, 407), all: false }]);
    const workerWall = performance.now() - started;
    const onWorker = context.lastForwardMs();
    expect(onWorker).toBeGreaterThan(0);
    expect(onWorker).toBeLessThanOrEqual(workerWall);
    started = performance.now();
    context.forwardArgmaxSync([{ seq, tokens: Int32Array.of(5), all: false }]);
    const inlineWall = performance.now() - started;
    const inline = context.lastForwardMs();
    expect(inline).toBeGreaterThan(0);
    expect(inline).toBeLessThanOrEqual(inlineWall);
    expect(inline).not.toBe(onWorker);
    await engine.dispose();
  });

  it("tells how the last forward ran: the engine's own time and on which thread", async () => {
    // Budget 50 ms: the first 1-token step measures its class on a worker, the next runs inline.
    const engine = await loadEngine(storiesPath, { threads: 2, contextLength: 256, inlineForwardMs: 50 });
    const context = (engine as unknown as { context: AddonContext }).context;
    const calls = countAddonCalls(engine);
    expect(engine.lastForwardTiming()).toBeUndefined();
    const seq = engine.createSequence();
    await engine.forwardArgmax([{ seq, tokens: Int32Array.of(1), logitsFor: 'last' }]);
    const first = engine.lastForwardTiming();
    expect(first).toEqual({ engineMs: context.lastForwardMs(), inline: false });
    expect(first!.engineMs).toBeGreaterThan(0);
    const started = performance.now();
    await engine.forwardArgmax([{ seq, tokens: Int32Array.of(403), logitsFor: 'last' }]);
    const wall = performance.now() - started;
    const second = engine.lastForwardTiming();
    expect(second).toEqual({ engineMs: context.lastForwardMs(), inline: true });
    expect(second!.engineMs).toBeLessThanOrEqual(wall);
    expect(calls).toEqual({ forward: 0, forwardSync: 0, forwardArgmax: 1, forwardArgmaxSync: 1 });
    await engine.dispose();
  });
});
