import { describe, expect, it } from 'vitest';
import { MODEL_SHAPES, type ModelShape } from './model-shapes.js';
import { modelTensors, parameterCount } from './model-tensors.js';

function shape(name: string): ModelShape {
  return MODEL_SHAPES[name] as ModelShape;
}

describe('modelTensors', () => {
  it('matches the published parameter counts of the real shapes', () => {
    expect(parameterCount(modelTensors(shape('smollm2-135m'), 49152))).toBe(134_515_008);
    expect(parameterCount(modelTensors(shape('qwen2.5-0.5b'), 151936))).toBe(494_032_768);
    expect(parameterCount(modelTensors(shape('tinyllama-1.1b'), 32000))).toBe(1_100_048_384);
    expect(parameterCount(modelTensors(shape('llama-3.2-1b'), 128256))).toBe(1_235_814_400);
  });

  it("uses llama.cpp's tensor names, with qwen2 biases and tied embeddings", () => {
    const qwen = modelTensors(shape('tiny-qwen2'), 320).map((plan) => plan.name);
    expect(qwen).toContain('blk.1.attn_k.bias');
    expect(qwen).not.toContain('output.weight');
    const llama = modelTensors(shape('tiny-llama'), 320);
    const names = llama.map((plan) => plan.name);
    expect(names).not.toContain('blk.0.attn_q.bias');
    expect(names.at(-1)).toBe('output.weight');
    expect(llama.find((plan) => plan.name === 'blk.0.attn_k.weight')?.shape).toEqual([64, 32]);
    expect(llama.find((plan) => plan.name === 'blk.0.ffn_down.weight')?.shape).toEqual([256, 64]);
    expect(names.filter((name) => name.startsWith('blk.1.'))).toHaveLength(9);
  });
});
