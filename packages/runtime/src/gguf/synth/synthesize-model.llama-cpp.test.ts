import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { getLlama, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GGMLType } from '../ggml-type.js';
import { sharedModelsDir } from '../shared-models-dir.js';
import { synthesizeModel } from './synthesize-model.js';
import { type WeightType, weightTypeName } from './weight-type.js';

// llama.cpp is the oracle for the file format: it must load what we write and run it.
const tmp = await mkdtemp(path.join(tmpdir(), 'x-gguf-llama-cpp-'));
let llama: Llama;
beforeAll(async () => {
  llama = await getLlama({ gpu: false, build: 'never' });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

async function greedy(modelPath: string, text: string, count: number) {
  const model = await llama.loadModel({ modelPath });
  try {
    const tokens = model.tokenize(text);
    const context = await model.createContext({ contextSize: 64, threads: 1 });
    const generated: number[] = [];
    for await (const token of context.getSequence().evaluate(tokens, { temperature: 0 })) {
      generated.push(token as number);
      if (generated.length >= count) break;
    }
    await context.dispose();
    return { tokens: tokens as number[], generated };
  } finally {
    await model.dispose();
  }
}

describe('synthesized models in llama.cpp', () => {
  for (const [shape, type] of [
    ['tiny-llama', GGMLType.Q4_K],
    ['tiny-qwen2', GGMLType.Q6_K],
    ['tiny-llama', GGMLType.BF16],
    ['tiny-llama', 'Q4_K_M'],
  ] as const satisfies readonly (readonly [string, WeightType])[]) {
    it(`loads and runs ${shape} ${weightTypeName(type)} with the built-in byte tokenizer`, async () => {
      const modelPath = path.join(tmp, `${shape}-${weightTypeName(type)}.gguf`);
      await synthesizeModel({ shape, type, path: modelPath, seed: 7, std: 0.5 });
      const { tokens, generated } = await greedy(modelPath, 'Hi!', 4);
      expect(tokens).toEqual([3 + 0x48, 3 + 0x69, 3 + 0x21]);
      expect(generated).toHaveLength(4);
      for (const token of generated) expect(token).toBeLessThan(320);
    });
  }

  it('loads and runs the rope options: YaRN keys and Llama 3.1 rope_freqs', async () => {
    const modelPath = path.join(tmp, 'yarn-rope-freqs.gguf');
    await synthesizeModel({
      shape: 'tiny-llama',
      type: GGMLType.F32,
      path: modelPath,
      std: 0.5,
      ropeScaling: { type: 'yarn', factor: 4, originalContextLength: 64, attnFactor: 0.9 },
      ropeFreqs: true,
    });
    const { generated } = await greedy(modelPath, 'Hi!', 4);
    expect(generated).toHaveLength(4);
  });

  it('tokenizes like the source vocabulary after copying its tokenizer keys', async () => {
    const vocab = path.join(sharedModelsDir, 'llama.cpp-vocab', 'ggml-vocab-llama-spm.gguf');
    const modelPath = path.join(tmp, 'spm.gguf');
    await synthesizeModel({ shape: 'tiny-llama', type: GGMLType.Q8_0, path: modelPath, tokenizer: vocab });
    const inputs = (await readFile(`${vocab}.inp`, 'utf8')).split('\n__ggml_vocab_test__\n');
    const outputs = (await readFile(`${vocab}.out`, 'utf8')).split('\n');
    const model = await llama.loadModel({ modelPath });
    try {
      const expected = (outputs[0] as string).trim().split(/\s+/).map(Number);
      expect([...model.tokenize(inputs[0] as string)]).toEqual(expected);
    } finally {
      await model.dispose();
    }
  });
});
