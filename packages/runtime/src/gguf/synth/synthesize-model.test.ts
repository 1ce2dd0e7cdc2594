import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readModelConfig } from '../../reference/model-config.js';
import { GGMLType } from '../ggml-type.js';
import { type GGUFTensorInfo, readGGUF } from '../read-gguf.js';
import { sharedModelsDir } from '../shared-models-dir.js';
import { dequantize, readTensor } from '../tensor-data.js';
import { llama3RopeFreqs } from './llama3-rope-freqs.js';
import { MODEL_SHAPES, type ModelShape } from './model-shapes.js';
import { matrixType, synthesizeModel } from './synthesize-model.js';

const tmp = await mkdtemp(path.join(tmpdir(), 'x-gguf-synth-'));
afterAll(() => rm(tmp, { recursive: true, force: true }));

function tensor(tensors: GGUFTensorInfo[], name: string): GGUFTensorInfo {
  const found = tensors.find((t) => t.name === name);
  if (found === undefined) throw new Error(`no tensor ${name}`);
  return found;
}

describe('synthesizeModel', () => {
  it('writes a tiny llama with real metadata, names and seeded N(0, std) weights', async () => {
    const out = path.join(tmp, 'tiny-llama.gguf');
    const progress: [number, number][] = [];
    const model = await synthesizeModel({
      shape: 'tiny-llama',
      type: GGMLType.F32,
      path: out,
      seed: 5,
      std: 0.1,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(progress.every(([done], i) => i === 0 || done > (progress[i - 1] as [number, number])[0])).toBe(
      true,
    );
    expect(progress.at(-1)).toEqual([model.parameterCount, model.parameterCount]);
    const file = await readGGUF(out);
    expect(file.metadata['general.architecture']).toBe('llama');
    expect(file.metadata['llama.block_count']).toBe(2);
    expect(file.metadata['llama.embedding_length']).toBe(64);
    expect(file.metadata['llama.attention.head_count_kv']).toBe(2);
    expect(file.metadata['llama.rope.dimension_count']).toBe(16);
    expect(file.metadata['llama.rope.freq_base']).toBe(10000);
    expect(file.metadata['llama.attention.layer_norm_rms_epsilon']).toBeCloseTo(1e-5, 10);
    const tokens = file.metadata['tokenizer.ggml.tokens'] as string[];
    expect(tokens).toHaveLength(320);
    expect(tokens[3 + 0x41]).toBe('<0x41>');
    expect(tensor(file.tensors, 'token_embd.weight').shape).toEqual([64, tokens.length]);
    expect(tensor(file.tensors, 'output.weight').shape).toEqual([64, 320]);
    const embedding = tensor(file.tensors, 'token_embd.weight');
    const values = dequantize(embedding.type, await readTensor(file, embedding), 64 * 320);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
    expect(Math.abs(mean)).toBeLessThan(0.005);
    expect(std).toBeGreaterThan(0.095);
    expect(std).toBeLessThan(0.105);
    const norm = tensor(file.tensors, 'blk.1.ffn_norm.weight');
    expect(Array.from(dequantize(norm.type, await readTensor(file, norm), 64)).every((v) => v === 1)).toBe(
      true,
    );
  });

  it('is deterministic in the seed', async () => {
    const write = async (name: string, seed: number) => {
      const out = path.join(tmp, name);
      await synthesizeModel({ shape: 'tiny-qwen2', type: GGMLType.Q8_0, path: out, seed });
      return readFile(out);
    };
    const [a, b, c] = await Promise.all([write('a.gguf', 1), write('b.gguf', 1), write('c.gguf', 2)]);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.length).toBe(c.length);
  });

  it('gives qwen2 biases and tied embeddings, and falls back where K blocks do not fit a row', async () => {
    const out = path.join(tmp, 'qwen-q4k.gguf');
    const model = await synthesizeModel({ shape: 'tiny-qwen2', type: GGMLType.Q4_K, path: out, layers: 3 });
    const file = await readGGUF(out);
    expect(model.shape.layers).toBe(3);
    expect(file.metadata['qwen2.block_count']).toBe(3);
    expect(file.metadata['qwen2.attention.layer_norm_rms_epsilon']).toBeCloseTo(1e-6, 12);
    expect(file.tensors.some((t) => t.name === 'output.weight')).toBe(false);
    expect(tensor(file.tensors, 'blk.2.attn_q.bias')).toMatchObject({ shape: [64], type: GGMLType.F32 });
    expect(tensor(file.tensors, 'blk.0.ffn_down.weight').type).toBe(GGMLType.Q4_K);
    expect(tensor(file.tensors, 'blk.0.ffn_up.weight').type).toBe(GGMLType.Q5_0);
    expect(matrixType(GGMLType.Q6_K, 576)).toBe(GGMLType.Q8_0);
    expect(matrixType(GGMLType.Q8_0, 48)).toBe(GGMLType.F16);
  });

  it("writes llama.cpp's Q4_K_M mix: Q6_K output and use-more-bits attn_v/ffn_down, Q4_K elsewhere", async () => {
    // tinyllama's layout, narrowed so every row is whole K blocks and the test stays fast
    const shape: ModelShape = {
      ...(MODEL_SHAPES['tinyllama-1.1b'] as ModelShape),
      embedding: 256,
      heads: 8,
      kvHeads: 1,
      feedForward: 512,
      vocab: 320,
    };
    const out = path.join(tmp, 'tinyllama-q4km.gguf');
    await synthesizeModel({ shape, type: 'Q4_K_M', path: out, layers: 8 });
    const file = await readGGUF(out);
    expect(file.metadata['general.file_type']).toBe(15);
    expect(file.metadata['general.quantization_version']).toBe(2);
    const q6kLayers = (role: string) =>
      file.tensors
        .filter((t) => t.name.endsWith(`.${role}.weight`) && t.type === GGMLType.Q6_K)
        .map((t) => Number(t.name.split('.')[1]));
    expect(q6kLayers('attn_v')).toEqual([0, 3, 6, 7]);
    expect(q6kLayers('ffn_down')).toEqual([0, 3, 6, 7]);
    expect(tensor(file.tensors, 'blk.2.attn_v.weight').type).toBe(GGMLType.Q4_K);
    expect(tensor(file.tensors, 'output.weight').type).toBe(GGMLType.Q6_K);
    expect(tensor(file.tensors, 'token_embd.weight').type).toBe(GGMLType.Q4_K);
    const types = new Set(file.tensors.map((t) => t.type));
    expect(types).toEqual(new Set([GGMLType.Q4_K, GGMLType.Q6_K, GGMLType.F32]));
    const down = tensor(file.tensors, 'blk.3.ffn_down.weight');
    const values = dequantize(down.type, await readTensor(file, down), 512 * 256);
    const std = Math.sqrt(values.reduce((a, b) => a + b * b, 0) / values.length);
    expect(std).toBeGreaterThan(0.018);
    expect(std).toBeLessThan(0.022);
  });

  it('copies tokenizer.* keys from a GGUF and sizes the vocabulary to its token list', async () => {
    const source = path.join(sharedModelsDir, 'llama.cpp-vocab', 'ggml-vocab-gpt-2.gguf');
    const out = path.join(tmp, 'with-vocab.gguf');
    const model = await synthesizeModel({
      shape: 'tiny-llama',
      type: GGMLType.Q8_0,
      path: out,
      tokenizer: source,
    });
    const [file, vocab] = await Promise.all([readGGUF(out), readGGUF(source)]);
    expect(model.vocab).toBe(50257);
    expect(file.metadata['llama.vocab_size']).toBe(50257);
    expect(tensor(file.tensors, 'token_embd.weight').shape).toEqual([64, 50257]);
    for (const [key, value] of Object.entries(vocab.metadata)) {
      if (!key.startsWith('tokenizer.')) continue;
      expect(file.metadata[key]).toEqual(value);
      expect(file.metadataTypes?.[key]).toEqual(vocab.metadataTypes?.[key]);
    }
  });

  it('rejects unknown shapes and types it cannot write', async () => {
    await expect(
      synthesizeModel({ shape: 'nope', type: GGMLType.F32, path: path.join(tmp, 'x.gguf') }),
    ).rejects.toThrow(/unknown shape/);
    await expect(
      synthesizeModel({ shape: 'tiny-llama', type: GGMLType.IQ2_XS, path: path.join(tmp, 'x.gguf') }),
    ).rejects.toThrow(/cannot synthesize IQ2_XS/);
    await expect(
      synthesizeModel({ shape: 'tiny-llama', type: 'Q3_K_M' as 'Q4_K_M', path: path.join(tmp, 'x.gguf') }),
    ).rejects.toThrow(/cannot synthesize Q3_K_M.*Q4_K_M/);
  });
});

describe('synthesizeModel rope options', () => {
  it('writes rope.scaling.* keys and Llama 3.1 rope_freqs divisors that readModelConfig reads', async () => {
    const out = path.join(tmp, 'yarn-llama.gguf');
    await synthesizeModel({
      shape: 'tiny-llama',
      type: GGMLType.F32,
      path: out,
      ropeScaling: { type: 'yarn', factor: 4, originalContextLength: 64, attnFactor: 0.5 },
      ropeFreqs: true,
    });
    const file = await readGGUF(out);
    expect(readModelConfig(file.metadata).ropeScaling).toEqual({
      type: 'yarn',
      freqScale: 0.25,
      originalContextLength: 64,
      attnFactor: 0.5,
      extFactor: 1,
      betaFast: 32,
      betaSlow: 1,
    });
    const info = tensor(file.tensors, 'rope_freqs.weight');
    expect(info.shape).toEqual([8]);
    const divisors = [...dequantize(info.type, await readTensor(file, info), 8)];
    // 16 dims, base 10000: wavelengths 6.3 … 19869 against 8192 / 4 and 8192 positions
    expect(divisors).toEqual([...llama3RopeFreqs(16, 10_000)]);
    expect(divisors.slice(0, 6)).toEqual([1, 1, 1, 1, 1, 1]);
    expect(divisors[7]).toBe(8);
    expect(divisors[6]).toBeGreaterThan(1);
    expect(divisors[6]).toBeLessThan(8);
  });
});
