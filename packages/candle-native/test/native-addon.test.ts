import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AddonContext, type AddonModel, loadNativeAddon } from '../src/native/native-binding.js';
import { NativeCode } from '../src/native/native-errors.js';
import { storiesPath } from './support/paths.js';

// The addon without the TS checks in front: its own last guards and the engine's error codes.
const addon = loadNativeAddon();
let model: AddonModel;
let context: AddonContext;

beforeAll(async () => {
  model = await addon.loadModel(storiesPath);
  context = new addon.AddonContext(model, { contextLength: 16, threads: 1, kvType: 'f32', maxSequences: 4 });
});
afterAll(async () => {
  await context.dispose();
  model.dispose();
});

async function failure(promise: Promise<unknown>): Promise<{ xcCode?: number; message: string }> {
  return promise.then(
    () => ({ message: 'resolved' }),
    (error: { xcCode?: number; message: string }) => error,
  );
}

describe('xcandle.node', () => {
  it('reports the model', () => {
    expect(model.info()).toMatchObject({
      architecture: 'llama',
      vocabSize: 512,
      layerCount: 5,
      headCountKv: 4,
    });
  });

  it('returns engine error codes for invalid sequences and full contexts', async () => {
    const sync = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return (error as { xcCode?: number }).xcCode;
      }
      return undefined;
    };
    expect(sync(() => context.truncateSequence(77, 0))).toBe(NativeCode.invalidArgument);
    expect(sync(() => context.sequenceLength(77))).toBe(NativeCode.invalidArgument);
    const seq = context.createSequence();
    const full = await failure(context.forward([{ seq, tokens: new Int32Array(17).fill(3), all: false }]));
    expect(full.xcCode).toBe(NativeCode.contextFull);
    expect(context.sequenceLength(seq)).toBe(0);
    context.releaseSequence(seq);
  });

  it('stops at the first poll when the abort flag is set and leaves the sequence as it was', async () => {
    const seq = context.createSequence();
    await context.forward([{ seq, tokens: Int32Array.of(1, 2), all: false }]);
    const flag = Int32Array.of(1);
    const aborted = await failure(
      context.forward([{ seq, tokens: Int32Array.of(3, 4, 5), all: true }], flag),
    );
    expect(aborted.xcCode).toBe(NativeCode.aborted);
    expect(context.sequenceLength(seq)).toBe(2);
    context.releaseSequence(seq);
  });

  it('writes into a given Float32Array, at its start, and resolves to that array', async () => {
    const [a, b] = [context.createSequence(), context.createSequence()];
    const fresh = await context.forward([{ seq: a, tokens: Int32Array.of(1, 2, 3), all: true }]);
    const into = new Float32Array(fresh.length + 5).fill(-7);
    const written = await context.forward(
      [{ seq: b, tokens: Int32Array.of(1, 2, 3), all: true }],
      undefined,
      into,
    );
    expect(written).toBe(into);
    expect(into.subarray(0, fresh.length)).toEqual(fresh);
    expect(Array.from(into.subarray(fresh.length))).toEqual([-7, -7, -7, -7, -7]);
    expect(() =>
      context.forward([{ seq: b, tokens: Int32Array.of(4), all: false }], undefined, new Float32Array(511)),
    ).toThrow(RangeError);
    expect(() =>
      context.forward(
        [{ seq: b, tokens: Int32Array.of(4), all: false }],
        undefined,
        new Float64Array(512) as never,
      ),
    ).toThrow(TypeError);
    expect(context.sequenceLength(b)).toBe(3);
    context.releaseSequence(a);
    context.releaseSequence(b);
  });

  it('guards its arguments with TypeError and RangeError', () => {
    expect(() => context.forward('x' as never)).toThrow(TypeError);
    expect(() => context.forward([])).toThrow(RangeError);
    expect(() => context.forward([{ seq: 0, tokens: new Float32Array(2) as never, all: false }])).toThrow(
      TypeError,
    );
    expect(() =>
      context.forward([{ seq: 0, tokens: Int32Array.of(1), all: false }], 'flag' as never),
    ).toThrow(TypeError);
    expect(() => context.truncateSequence(0.5, 0)).toThrow(RangeError);
    expect(() => new addon.AddonContext({} as AddonModel, {})).toThrow(TypeError);
    expect(() => new addon.AddonContext(model, { kvType: 'q4' as never })).toThrow(TypeError);
  });

  it('disposes while a forward is in flight: the forward rejects or resolves, dispose waits', async () => {
    const other = new addon.AddonContext(model, { contextLength: 256, threads: 1, kvType: 'f32' });
    const seq = other.createSequence();
    const forward = other.forward([{ seq, tokens: new Int32Array(200).fill(7), all: true }]);
    const disposed = other.dispose();
    const outcome = await forward.then(
      (logits) => logits.length,
      (error: { xcCode?: number }) => error.xcCode,
    );
    await disposed;
    expect([200 * 512, NativeCode.aborted]).toContain(outcome);
    expect(() => other.createSequence()).toThrow(/disposed/);
  });

  it('lets sequence calls on the JS thread wait for a forward running on a worker thread', async () => {
    const other = new addon.AddonContext(model, { contextLength: 256, threads: 1, kvType: 'f32' });
    const seq = other.createSequence();
    const forward = other.forward([{ seq, tokens: new Int32Array(200).fill(7), all: true }]);
    const second = other.createSequence();
    expect([0, 200]).toContain(other.sequenceLength(seq));
    const logits = await forward;
    expect(logits.length).toBe(200 * 512);
    expect(second).not.toBe(seq);
    expect(other.sequenceLength(seq)).toBe(200);
    expect(other.sequenceLength(second)).toBe(0);
    await other.dispose();
  });

  it('keeps the weights alive for a context after the model handle is disposed', async () => {
    const own = await addon.loadModel(storiesPath);
    const owned = new addon.AddonContext(own, { contextLength: 8, threads: 1 });
    own.dispose();
    expect(() => own.info()).toThrow(/disposed/);
    const seq = owned.createSequence();
    const logits = await owned.forward([{ seq, tokens: Int32Array.of(1, 403), all: false }]);
    expect(logits.length).toBe(512);
    await owned.dispose();
  });
});
