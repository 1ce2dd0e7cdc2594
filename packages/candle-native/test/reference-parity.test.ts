import { argmax, type Engine, loadReferenceEngine } from '@x/runtime';
import { relativeL2 } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import { storiesPath } from './support/paths.js';

const prompt = Int32Array.of(1, 403, 407, 261, 378, 288, 261, 395);
let native: NativeEngine;
let reference: Engine;

beforeAll(async () => {
  native = await loadEngine(storiesPath, { threads: 1, contextLength: 64, kvType: 'f32' });
  reference = await loadReferenceEngine(storiesPath, { contextLength: 64 });
});
afterAll(async () => {
  await native.dispose();
  await reference.dispose();
});

describe('stories260K (F32) against the reference engine', () => {
  it('reports the same model', () => {
    const {
      backend: _n,
      kvType: _k,
      weightBytes: _w,
      device: _d,
      name: _m,
      maxSequences: _s,
      ...nativeInfo
    } = native.info;
    const {
      backend: _r,
      kvType: _j,
      weightBytes: _v,
      device: _e,
      name: _o,
      ...referenceInfo
    } = reference.info;
    expect(nativeInfo).toEqual(referenceInfo);
    expect(native.info.backend).toBe('candle-native');
    expect(native.info.maxSequences).toBe(16);
  });

  it('matches prefill logits (every row) and 8 greedy decode steps within 1e-4 relative L2', async () => {
    const a = native.createSequence();
    const b = reference.createSequence();
    const [nativeRows] = await native.forward([{ seq: a, tokens: prompt, logitsFor: 'all' }]);
    const [referenceRows] = await reference.forward([{ seq: b, tokens: prompt, logitsFor: 'all' }]);
    const vocab = native.info.vocabSize;
    for (let row = 0; row < prompt.length; row++) {
      const slice = (rows: Float32Array) => rows.subarray(row * vocab, (row + 1) * vocab);
      expect(relativeL2(slice(nativeRows!), slice(referenceRows!)), `prefill row ${row}`).toBeLessThanOrEqual(
        1e-4,
      );
    }
    let next = argmax(referenceRows!.subarray((prompt.length - 1) * vocab));
    for (let step = 0; step < 8; step++) {
      const token = Int32Array.of(next);
      const [nativeLogits] = await native.forward([{ seq: a, tokens: token, logitsFor: 'last' }]);
      const [referenceLogits] = await reference.forward([{ seq: b, tokens: token, logitsFor: 'last' }]);
      expect(relativeL2(nativeLogits!, referenceLogits!), `decode step ${step}`).toBeLessThanOrEqual(1e-4);
      expect(argmax(nativeLogits!)).toBe(argmax(referenceLogits!));
      next = argmax(referenceLogits!);
    }
  });

  it('matches with an f16 KV cache within 1e-3 relative L2', async () => {
    const halfKv = await loadEngine(storiesPath, { threads: 1, contextLength: 64, kvType: 'f16' });
    try {
      expect(halfKv.info.kvType).toBe('f16');
      const a = halfKv.createSequence();
      const b = reference.createSequence();
      const [halfRows] = await halfKv.forward([{ seq: a, tokens: prompt, logitsFor: 'all' }]);
      const [referenceRows] = await reference.forward([{ seq: b, tokens: prompt, logitsFor: 'all' }]);
      const error = relativeL2(halfRows!, referenceRows!);
      expect(error).toBeLessThanOrEqual(1e-3);
    } finally {
      await halfKv.dispose();
    }
  });

  it('gives the same logits with a second thread', async () => {
    const twoThreads = await loadEngine(storiesPath, { threads: 2, contextLength: 64, kvType: 'f32' });
    try {
      const a = twoThreads.createSequence();
      const b = native.createSequence();
      const [parallel] = await twoThreads.forward([{ seq: a, tokens: prompt, logitsFor: 'all' }]);
      const [single] = await native.forward([{ seq: b, tokens: prompt, logitsFor: 'all' }]);
      expect(relativeL2(parallel!, single!)).toBeLessThanOrEqual(1e-6);
      native.release(b);
    } finally {
      await twoThreads.dispose();
    }
  });
});
