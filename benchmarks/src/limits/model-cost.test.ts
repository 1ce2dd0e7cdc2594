import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GGMLType, MODEL_SHAPES, synthesizeModel } from '@x/runtime';
import { describe, expect, it } from 'vitest';
import { limitShares, percent } from './limit-shares.ts';
import { modelCost, modelCostOf } from './model-cost.ts';

const tensor = (name: string, shape: number[], byteLength: number) => ({ name, shape, byteLength });

describe('what one token costs', () => {
  it('counts the block matrices as MACs and every weight byte, with a tied embedding read whole', () => {
    const tied = [
      tensor('token_embd.weight', [8, 100], 800),
      tensor('blk.0.attn_q.weight', [8, 8], 64),
      tensor('blk.0.ffn_up.weight', [8, 16], 128),
      tensor('blk.0.attn_norm.weight', [8], 32),
      tensor('output_norm.weight', [8], 32),
    ];
    expect(modelCost(tied)).toEqual({
      weightBytesPerToken: 800 + 64 + 128 + 32 + 32,
      macsPerToken: 64 + 128,
    });
  });

  it('reads one embedding row and the whole output head when they are untied', () => {
    const untied = [
      tensor('token_embd.weight', [8, 100], 800),
      tensor('blk.0.attn_q.weight', [8, 8], 64),
      tensor('blk.0.attn_q.bias', [8], 32),
      tensor('output.weight', [8, 100], 800),
    ];
    expect(modelCost(untied)).toEqual({ weightBytesPerToken: 8 + 64 + 32 + 800, macsPerToken: 64 });
  });

  it('matches the shape table on a synthesized GGUF', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cost-')), 'tiny.gguf');
    await synthesizeModel({ shape: 'tiny-llama', type: GGMLType.F32, seed: 1, path: file });
    const shape = MODEL_SHAPES['tiny-llama']!;
    const cost = await modelCostOf(file);
    const kv = (shape.embedding / shape.heads) * shape.kvHeads;
    const perLayer =
      2 * shape.embedding * shape.embedding +
      2 * shape.embedding * kv +
      3 * shape.embedding * shape.feedForward;
    expect(cost.macsPerToken).toBe(shape.layers * perLayer);
    expect(cost.weightBytesPerToken).toBeGreaterThan(cost.macsPerToken * 4);
  });

  it('turns rates into shares of the limits', () => {
    const shares = limitShares(
      { decodeTokensPerSecond: 100, prefillTokensPerSecond: 1000 },
      { weightBytesPerToken: 260e6, macsPerToken: 190e6 },
      { readBandwidthGBs: 52, int8PeakGMACs: 380, int8Instruction: 'vpdpbusd zmm' },
    );
    expect(shares.decodeShareOfBandwidth).toBeCloseTo(0.5);
    expect(shares.prefillShareOfInt8Peak).toBeCloseTo(0.5);
    expect(percent(shares.decodeShareOfBandwidth)).toBe('50%');
  });
});
