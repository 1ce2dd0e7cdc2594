import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { argmax, GGMLType, synthesizeModel } from '@x/runtime';
import { agreesWithOracle, conformanceTokens, relativeL2, sharedModelsDir } from '@x/runtime/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { convertGGUF } from '../gguf-to-onnx/convert-gguf.js';
import { loadOnnxEngine } from './load-onnx-engine.js';
import type { OnnxEngine } from './onnx-engine.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'x-onnx-batched-decode-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const stories = path.join(sharedModelsDir, 'stories260K.gguf');

/** Every graph kind the engine drives, with the padding it should pick. */
const GRAPHS = [
  {
    name: 'ort-genai GroupQueryAttention export',
    padding: 'right',
    tolerance: 2e-2,
    chunks: true,
    folder: async () => path.join(sharedModelsDir, 'ort-genai-tiny-gqa-fp16'),
  },
  {
    name: 'ort-genai MultiHeadAttention + RotaryEmbedding export',
    padding: 'left',
    tolerance: 2e-2,
    // its mask subgraph cannot expand for several new tokens after a cache (fails without batching too)
    chunks: false,
    folder: async () => path.join(sharedModelsDir, 'ort-genai-tiny-random-LlamaForCausalLM-fp16'),
  },
  {
    name: 'ort-transformers fused Attention export (past_N)',
    padding: 'left',
    tolerance: 1e-4,
    chunks: true,
    folder: async () => path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32'),
  },
  {
    name: 'GGUF→ONNX plain opset graph',
    padding: 'left',
    tolerance: 1e-4,
    chunks: true,
    folder: async () => (await convertGGUF(stories, path.join(dir, 'plain'))).folder,
  },
  {
    // GroupQueryAttention wants heads of a multiple of 16 values: stories260K's are 8
    name: 'GGUF→ONNX GroupQueryAttention graph',
    padding: 'right',
    tolerance: 1e-4,
    chunks: true,
    folder: async () => {
      const gguf = path.join(dir, 'tiny-qwen2.gguf');
      await synthesizeModel({ shape: 'tiny-qwen2', path: gguf, type: GGMLType.F32, std: 0.15 });
      return (await convertGGUF(gguf, path.join(dir, 'gqa'), { contribOps: true })).folder;
    },
  },
] as const;

const LENGTHS = [3, 9, 5, 12];

/** The last-token logits of `tokens` run from scratch in a fresh sequence (one session call). */
async function cold(engine: OnnxEngine, tokens: readonly number[]): Promise<Float32Array> {
  const seq = engine.createSequence();
  const [logits] = await engine.forward([{ seq, tokens: Int32Array.from(tokens), logitsFor: 'last' }]);
  engine.release(seq);
  return logits!;
}

describe.each(GRAPHS)('$name: decode steps of unequal lengths', ({ padding, tolerance, chunks, folder }) => {
  const expectSame = (ours: Float32Array, alone: Float32Array) => {
    expect(relativeL2(ours, alone)).toBeLessThan(tolerance);
    expect(agreesWithOracle(ours, argmax(alone))).not.toBe('disagrees');
  };

  it('run as one session call with the logits each gives alone, and leave each cache its own', async () => {
    const engine = await loadOnnxEngine(await folder(), { threads: 1 });
    try {
      expect(engine.io.padding).toBe(padding);
      const vocab = engine.info.vocabSize;
      const histories = LENGTHS.map((n, k) => [...conformanceTokens(n, vocab, k)]);
      const seqs = histories.map(() => engine.createSequence());
      for (const [k, seq] of seqs.entries())
        await engine.forward([{ seq, tokens: Int32Array.from(histories[k]!), logitsFor: 'last' }]);

      for (let step = 0; step < 4; step++) {
        const next = seqs.map((_, k) => (step * 13 + k * 7 + 2) % vocab);
        const alone: Float32Array[] = [];
        for (const [k, seq] of seqs.entries()) {
          const fork = engine.fork(seq);
          const [logits] = await engine.forward([
            { seq: fork, tokens: Int32Array.of(next[k]!), logitsFor: 'last' },
          ]);
          alone.push(logits!);
          engine.release(fork);
        }
        const before = engine.stats.sessionRuns;
        const together = await engine.forward(
          seqs.map((seq, k) => ({ seq, tokens: Int32Array.of(next[k]!), logitsFor: 'last' as const })),
        );
        expect(engine.stats.sessionRuns - before).toBe(1);
        for (const [k, logits] of together.entries()) {
          expectSame(logits, alone[k]!);
          histories[k]!.push(next[k]!);
          expect(engine.sequenceLength(seqs[k]!)).toBe(histories[k]!.length);
        }
      }
      // each cache, as the batch left it, continues like the whole history run from scratch
      for (const [k, seq] of seqs.entries()) {
        const [logits] = await engine.forward([{ seq, tokens: Int32Array.of(1), logitsFor: 'last' }]);
        histories[k]!.push(1);
        expectSame(logits!, await cold(engine, histories[k]!));
      }
    } finally {
      await engine.dispose();
    }
  });

  it('forks and truncates after a padded step, alone and in the next batch', async () => {
    const engine = await loadOnnxEngine(await folder(), { threads: 1 });
    try {
      const vocab = engine.info.vocabSize;
      const histories = LENGTHS.map((n, k) => [...conformanceTokens(n, vocab, k + 5)]);
      const seqs = histories.map(() => engine.createSequence());
      for (const [k, seq] of seqs.entries())
        await engine.forward([{ seq, tokens: Int32Array.from(histories[k]!), logitsFor: 'last' }]);
      await engine.forward(
        seqs.map((seq) => ({ seq, tokens: Int32Array.of(4), logitsFor: 'last' as const })),
      );
      for (const history of histories) history.push(4);

      // the shortest row was padded the most: keep part of it, and fork the longest back into the middle
      engine.truncate(seqs[0]!, 2);
      histories[0]!.length = 2;
      const fork = engine.fork(seqs[3]!, 6);
      const forked = histories[3]!.slice(0, 6);
      const rows = [seqs[0]!, seqs[1]!, fork];
      const expected = [histories[0]!, histories[1]!, forked];
      const before = engine.stats.sessionRuns;
      const together = await engine.forward(
        rows.map((seq) => ({ seq, tokens: Int32Array.of(8), logitsFor: 'last' as const })),
      );
      expect(engine.stats.sessionRuns - before).toBe(1);
      for (const [i, logits] of together.entries())
        expectSame(logits, await cold(engine, [...expected[i]!, 8]));

      // a step of its own after the padded one (two tokens where the graph takes several after a cache)
      const tokens = chunks ? [8, 9] : [9];
      const [alone] = await engine.forward([
        { seq: seqs[2]!, tokens: Int32Array.from(tokens), logitsFor: 'last' },
      ]);
      expectSame(alone!, await cold(engine, [...histories[2]!, ...tokens]));
      expect(engine.sequenceLength(seqs[3]!)).toBe(histories[3]!.length);
    } finally {
      await engine.dispose();
    }
  });
});

describe('padDecodeBatches: false', () => {
  it('batches only sequences of equal length, with the logits of the padded batch', async () => {
    const folder = path.join(sharedModelsDir, 'ort-genai-tiny-random-gpt2-fp32');
    const engines = [
      await loadOnnxEngine(folder, { threads: 1 }),
      await loadOnnxEngine(folder, { threads: 1, padDecodeBatches: false }),
    ];
    try {
      const [padded, equalOnly] = await Promise.all(
        engines.map(async (engine) => {
          const seqs = [4, 6, 4].map((n, k) => {
            const seq = engine.createSequence();
            return { seq, prompt: conformanceTokens(n, engine.info.vocabSize, k) };
          });
          for (const { seq, prompt } of seqs)
            await engine.forward([{ seq, tokens: prompt, logitsFor: 'last' }]);
          const before = engine.stats.sessionRuns;
          const logits = await engine.forward(
            seqs.map(({ seq }) => ({ seq, tokens: Int32Array.of(7), logitsFor: 'last' as const })),
          );
          return { logits, runs: engine.stats.sessionRuns - before };
        }),
      );
      expect(engines[1]!.io.padding).toBe('none');
      expect([padded!.runs, equalOnly!.runs]).toEqual([1, 2]);
      for (const [k, logits] of padded!.logits.entries())
        expect(relativeL2(logits, equalOnly!.logits[k]!)).toBeLessThan(1e-4);
    } finally {
      await Promise.all(engines.map((engine) => engine.dispose()));
    }
  });
});

describe('decode rows of very unequal lengths', () => {
  it('run the long one apart when padding the rest to it would cost more than a second call', async () => {
    const folder = (await convertGGUF(stories, path.join(dir, 'stories-split'))).folder;
    const engine = await loadOnnxEngine(folder, { threads: 1 });
    try {
      const vocab = engine.info.vocabSize;
      // stories260K: about 1 MB of weights against 1.25 kB of cache per token
      const prompts = [4, 6, 5, 480].map((n, k) => [...conformanceTokens(n, vocab, k)]);
      const seqs = prompts.map(() => engine.createSequence());
      for (const [k, seq] of seqs.entries())
        await engine.forward([{ seq, tokens: Int32Array.from(prompts[k]!), logitsFor: 'last' }]);
      const before = engine.stats.sessionRuns;
      const together = await engine.forward(
        seqs.map((seq) => ({ seq, tokens: Int32Array.of(3), logitsFor: 'last' as const })),
      );
      expect(engine.stats.sessionRuns - before).toBe(2);
      for (const [k, logits] of together.entries())
        expect(relativeL2(logits, await cold(engine, [...prompts[k]!, 3]))).toBeLessThan(1e-4);
    } finally {
      await engine.dispose();
    }
  });
});
