import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { GGMLType, MODEL_SHAPES, synthesizeModel } from '@x/runtime';
import { describe, expect, it } from 'vitest';
import { limitShares, percent } from './limit-shares.ts';
import { attentionMacsPerToken, modelCost, modelCostOf } from './model-cost.ts';

const tensor = (name: string, shape: number[], byteLength: number, type = GGMLType.Q8_0) => ({
  name,
  shape,
  type,
  byteLength,
});

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
      floatMacsPerToken: 0,
      attentionMacsPerToken: 0,
    });
  });

  it('reads one embedding row and the whole output head when they are untied', () => {
    const untied = [
      tensor('token_embd.weight', [8, 100], 800),
      tensor('blk.0.attn_q.weight', [8, 8], 64),
      tensor('blk.0.attn_q.bias', [8], 32),
      tensor('output.weight', [8, 100], 800),
    ];
    expect(modelCost(untied)).toEqual({
      weightBytesPerToken: 8 + 64 + 32 + 800,
      macsPerToken: 64,
      floatMacsPerToken: 0,
      attentionMacsPerToken: 0,
    });
  });

  it('counts the MACs of float matrices apart (f32 FMAs, not int8)', () => {
    const mixed = [
      tensor('blk.0.attn_q.weight', [8, 8], 128, GGMLType.F16),
      tensor('blk.0.attn_k.weight', [8, 4], 64, GGMLType.BF16),
      tensor('blk.0.ffn_up.weight', [8, 16], 512, GGMLType.F32),
      tensor('blk.0.ffn_down.weight', [16, 8], 144, GGMLType.Q4_K),
      tensor('blk.0.attn_norm.weight', [8], 32, GGMLType.F32),
    ];
    expect(modelCost(mixed)).toMatchObject({
      macsPerToken: 64 + 32 + 128 + 128,
      floatMacsPerToken: 64 + 32 + 128,
    });
  });

  it('matches the shape table on a synthesized GGUF', async () => {
    const file = path.join(mkdtempSync(path.join(os.tmpdir(), 'cost-')), 'tiny.gguf');
    await synthesizeModel({ shape: 'tiny-llama', type: GGMLType.F32, seed: 1, path: file });
    const shape = MODEL_SHAPES['tiny-llama']!;
    const cost = await modelCostOf(file, 7);
    const kv = (shape.embedding / shape.heads) * shape.kvHeads;
    const perLayer =
      2 * shape.embedding * shape.embedding +
      2 * shape.embedding * kv +
      3 * shape.embedding * shape.feedForward;
    expect(cost.macsPerToken).toBe(shape.layers * perLayer);
    expect(cost.floatMacsPerToken).toBe(cost.macsPerToken);
    // 7 causal positions see 1..7 keys, 4 on average: q·k and the weighted sum, headDim each
    const headDim = shape.embedding / shape.heads;
    expect(cost.attentionMacsPerToken).toBe(shape.layers * shape.heads * 2 * 4 * headDim);
    expect(cost.weightBytesPerToken).toBeGreaterThan(cost.macsPerToken * 4);
  });

  const limits = {
    readBandwidthGBs: 52,
    int8PeakGMACs: 380,
    int8Instruction: 'vpdpbusd zmm',
    fmaPeakGMACs: 95,
    fmaInstruction: 'vfmadd231ps zmm',
  };

  it('turns rates into shares of the limits', () => {
    const shares = limitShares(
      { decodeTokensPerSecond: 100, prefillTokensPerSecond: 1000 },
      { weightBytesPerToken: 260e6, macsPerToken: 190e6, floatMacsPerToken: 0, attentionMacsPerToken: 0 },
      limits,
    );
    expect(shares.decodeShareOfBandwidth).toBeCloseTo(0.5);
    expect(shares.prefillShareOfInt8Peak).toBeCloseTo(0.5);
    expect(shares.prefillShareOfArithmeticPeak).toBeCloseTo(0.5);
    expect(percent(shares.decodeShareOfBandwidth)).toBe('50%');
  });

  it('measures float weights and attention against the f32 FMA peak, quantized ones against the int8 peak', () => {
    // 100 tok/s × (95 M quantized MACs ÷ 380 G + (95 M float + 19 M attention MACs) ÷ 95 G) = 0.025 + 0.12
    const shares = limitShares(
      { decodeTokensPerSecond: 1, prefillTokensPerSecond: 100 },
      { weightBytesPerToken: 1, macsPerToken: 190e6, floatMacsPerToken: 95e6, attentionMacsPerToken: 19e6 },
      limits,
    );
    expect(shares.prefillShareOfInt8Peak).toBeCloseTo(0.05);
    expect(shares.prefillShareOfArithmeticPeak).toBeCloseTo(0.145);
  });

  it('counts attention over the average causal key count', () => {
    // SmolLM2-135M: 30 layers × 9 heads × 64 dims × 513 → 8.87 M at 512 tokens
    expect(attentionMacsPerToken({ layerCount: 30, headCount: 9, headDim: 64 }, 512)).toBe(30 * 9 * 64 * 513);
    expect(attentionMacsPerToken({ layerCount: 1, headCount: 1, headDim: 1 }, 1)).toBe(2);
  });
});
