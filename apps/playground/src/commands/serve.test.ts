import { describe, expect, it } from 'vitest';
import { defaultModelPath } from '../backends.js';
import { poolModels } from './serve.js';

describe('poolModels', () => {
  it('names each model from `name=` or from its file name', () => {
    const models = poolModels(`tiny=${defaultModelPath},${defaultModelPath}`, () => async () => {
      throw new Error('not loaded in this test');
    });
    expect(models.map((model) => model.name)).toEqual(['tiny', 'stories260K']);
    expect(models[0]!.bytes).toBeGreaterThan(100_000);
  });

  it('fails with a usage error for a missing file', () => {
    expect(() => poolModels('/nowhere/x.gguf', () => async () => undefined as never)).toThrow(
      /cannot read model file/,
    );
  });
});
