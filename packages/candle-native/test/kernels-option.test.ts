import { UnsupportedError } from '@x/core';
import { GGMLType } from '@x/runtime';
import {
  compareTeacherForced,
  NEAR_TIE,
  referenceGreedy,
  TINY_SHAPE,
  writeSyntheticModel,
} from '@x/runtime/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type KernelTableName, loadEngine } from '../src/engine/load-engine.js';
import type { NativeEngine } from '../src/engine/native-engine.js';
import { loadLM } from '../src/lm/load-lm.js';
import { loadNativeAddon } from '../src/native/native-binding.js';
import { NativeCode } from '../src/native/native-errors.js';
import { makeTempDir, storiesPath } from './support/paths.js';
import { removeTempDir } from './support/temp-dir.js';

const directory = makeTempDir('kernels-option');
afterAll(() => removeTempDir(directory));
const PROMPT = [1, 10, 200, 300, 50, 7];
const STEPS = 32;
let file: string;

beforeAll(async () => {
  // Rows of whole 256-value blocks, so the AVX-512 table re-lays every matrix it can.
  file = await writeSyntheticModel(directory, 'llama', {
    shape: { ...TINY_SHAPE, embeddingLength: 256, feedForwardLength: 512 },
    weightType: GGMLType.Q8_0,
    seed: 5,
  });
});

const saved = { XC_X8: process.env.XC_X8, XC_KERNELS: process.env.XC_KERNELS };
afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

async function withEngine<T>(
  path: string,
  kernels: KernelTableName,
  use: (engine: NativeEngine) => Promise<T>,
): Promise<T> {
  const engine = await loadEngine(path, { threads: 1, contextLength: 64, kvType: 'f32', kernels });
  try {
    return await use(engine);
  } finally {
    await engine.dispose();
  }
}

async function relaidBytes(keepFileLayout?: boolean, kernels?: string): Promise<number> {
  const model = await loadNativeAddon().loadModel(file, undefined, keepFileLayout, kernels);
  try {
    return model.info().relaidBytes;
  } finally {
    model.dispose();
  }
}

const hasAvx512 = () => loadNativeAddon().buildInfo().includes('kernels=avx512');

describe('the kernels option (xc_model_options.kernels)', () => {
  it('rejects an unknown table with a TypeError before anything is loaded', async () => {
    const bad = 'avx1024' as KernelTableName;
    await expect(loadEngine(storiesPath, { kernels: bad })).rejects.toThrow(TypeError);
    await expect(loadEngine(storiesPath, { kernels: bad })).rejects.toThrow(/kernels must be one of/);
    await expect(loadLM(storiesPath, { kernels: bad })).rejects.toThrow(TypeError);
    // Below the TS check the C API refuses it too, as an invalid argument.
    await expect(relaidBytes(undefined, 'avx1024')).rejects.toMatchObject({
      xcCode: NativeCode.invalidArgument,
    });
  });

  it('gives the same greedy tokens on the portable scalar table as on the fastest one (stories260K)', async () => {
    const prompt = [1, 403, 407, 261, 378];
    const auto = await withEngine(storiesPath, 'auto', (engine) => referenceGreedy(engine, prompt, STEPS));
    expect(new Set(auto).size).toBeGreaterThan(3);
    const scalar = await withEngine(storiesPath, 'scalar', (engine) =>
      referenceGreedy(engine, prompt, STEPS),
    );
    expect(scalar).toEqual(auto);
  });

  // An untrained model's top logits are close, so the two tables' float sum orders may flip a near tie:
  // fed the fastest table's tokens, the scalar one must pick each of them or see it within NEAR_TIE.
  it('agrees with the fastest table within the near-tie rule on re-laid Q8_0 weights', async () => {
    const auto = await withEngine(file, 'auto', (engine) => referenceGreedy(engine, PROMPT, STEPS));
    const forced = await withEngine(file, 'scalar', (engine) => compareTeacherForced(engine, PROMPT, auto));
    expect(forced.worstShortfall).toBeLessThan(NEAR_TIE);
    expect(forced.agreed).toBeGreaterThanOrEqual(STEPS - 4);
  });

  it('lays the weights out for the table it names: scalar re-lays nothing', async () => {
    expect(await relaidBytes(undefined, 'scalar')).toBe(0);
    expect((await relaidBytes()) > 0).toBe(hasAvx512());
  });

  it('fails with UnsupportedError for a table this CPU or build lacks, else loads it', async () => {
    const loading = loadEngine(file, { threads: 1, contextLength: 64, kernels: 'avx512' });
    if (hasAvx512()) await (await loading).dispose();
    else await expect(loading).rejects.toBeInstanceOf(UnsupportedError);
  });

  it('overrides the environment: an explicit option wins over XC_KERNELS and XC_X8', async () => {
    process.env.XC_KERNELS = 'scalar';
    expect(await relaidBytes()).toBe(0);
    process.env.XC_X8 = '0';
    delete process.env.XC_KERNELS;
    expect(await relaidBytes()).toBe(0);
    expect((await relaidBytes(false)) > 0).toBe(hasAvx512());
    expect(await relaidBytes(true)).toBe(0);
    process.env.XC_KERNELS = 'scalar';
    expect((await relaidBytes(false, 'avx512').catch(() => 0)) > 0).toBe(hasAvx512());
  });
});
