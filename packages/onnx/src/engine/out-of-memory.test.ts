import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { OutOfMemoryError } from '@x/core';
import { relativeL2, sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { OrtSession } from '../ort/ort-session.js';
import { loadLM } from './load-lm.js';
import { loadOnnxEngine } from './load-onnx-engine.js';

/** Session calls counted from the start; the ones in `failAt` reject as onnxruntime's arena does. */
const fault = vi.hoisted(() => ({ runs: 0, failAt: new Set<number>(), failed: 0 }));

const arenaFailure =
  "Non-zero status code returned while running MatMul node. Name:'/model/layers.0/MatMul' Status Message: " +
  '/onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(' +
  'size_t, bool, onnxruntime::Stream*, bool, onnxruntime::WaitNotificationFn) Failed to allocate memory for ' +
  'requested buffer of size 1048576';

vi.mock('../ort/ort-session.js', async (importOriginal) => {
  const ort = await importOriginal<typeof import('../ort/ort-session.js')>();
  return {
    ...ort,
    openOrtSession: async (...args: Parameters<typeof ort.openOrtSession>): Promise<OrtSession> => {
      const session = await ort.openOrtSession(...args);
      return {
        ...session,
        run: async (feeds) => {
          if (fault.failAt.has(++fault.runs)) {
            fault.failed++;
            throw new Error(arenaFailure);
          }
          return session.run(feeds);
        },
      };
    },
  };
});

/** Fails the session calls `offsets` after the current one (1 = the next). */
function failNext(...offsets: number[]) {
  fault.failAt = new Set(offsets.map((offset) => fault.runs + offset));
  fault.failed = 0;
}

let cacheDir: string;
beforeAll(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-oom-'));
});
afterAll(async () => {
  await rm(cacheDir, { recursive: true, force: true });
});

describe('onnxruntime out of memory', () => {
  it('rejects with OutOfMemoryError and leaves every sequence as it was', async () => {
    const folder = path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32');
    const engine = await loadOnnxEngine(folder, { threads: 1 });
    try {
      const a = engine.createSequence();
      await engine.forward([{ seq: a, tokens: Int32Array.of(5, 9, 14, 3, 7), logitsFor: 'last' }]);
      const b = engine.fork(a);
      const step = (seq: number, token: number) => ({
        seq,
        tokens: Int32Array.of(token),
        logitsFor: 'last' as const,
      });

      failNext(1);
      const error = await engine.forward([step(a, 11)]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(OutOfMemoryError);
      expect(error).toMatchObject({ code: 'X_OUT_OF_MEMORY', neededBytes: 1048576 });
      expect((error as Error).cause).toBeInstanceOf(Error);
      expect(engine.sequenceLength(a)).toBe(5);

      // a batched decode step that fails, and a prefill after a decode group that succeeded
      failNext(1, 3);
      await expect(engine.forward([step(a, 11), step(b, 11)])).rejects.toThrow(OutOfMemoryError);
      const c = engine.createSequence();
      await expect(
        engine.forward([
          step(a, 11),
          step(b, 11),
          { seq: c, tokens: Int32Array.of(1, 2), logitsFor: 'last' },
        ]),
      ).rejects.toThrow(OutOfMemoryError);
      expect(fault.failed).toBe(2);
      expect([a, b, c].map((seq) => engine.sequenceLength(seq))).toEqual([5, 5, 0]);

      const [fromA, fromB] = await engine.forward([step(a, 11), step(b, 11)]);
      const fresh = engine.createSequence();
      const [, expected] = await engine
        .forward([{ seq: fresh, tokens: Int32Array.of(5, 9, 14, 3, 7, 11), logitsFor: 'all' }])
        .then(([all]) => [all, all!.subarray(5 * engine.info.vocabSize)]);
      expect(relativeL2(fromA!, expected!)).toBeLessThan(1e-5);
      expect(relativeL2(fromB!, expected!)).toBeLessThan(1e-5);
    } finally {
      await engine.dispose();
    }
  });

  it('lets the scheduler preempt and recompute: every request gets the tokens of a run without faults', async () => {
    const lm = await loadLM(path.join(sharedModelsDir, 'stories260K.gguf'), {
      cacheDir,
      threads: 1,
      prefixCacheSize: 0,
    });
    try {
      const prompts = ['Once upon a time', 'The cat sat', 'Lily and Ben went', 'Tom had a'];
      const run = () =>
        Promise.all(prompts.map((prompt) => lm.complete(prompt, { maxTokens: 16, temperature: 0 })));
      fault.failAt = new Set();
      const clean = await run();
      failNext(4, 9, 15);
      const faulty = await run();
      expect(fault.failed).toBe(3);
      expect(faulty.map((r) => r.tokenIds)).toEqual(clean.map((r) => r.tokenIds));
      expect(faulty.map((r) => r.text)).toEqual(clean.map((r) => r.text));
      const stats = lm.stats();
      expect(stats.preemptions).toBeGreaterThan(0);
      expect(stats).toMatchObject({ activeRequests: 0, kvSlotsInUse: 0 });
    } finally {
      await lm.dispose();
    }
  }, 120_000);
});
