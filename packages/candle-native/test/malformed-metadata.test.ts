import path from 'node:path';
import { ModelFormatError, UnsupportedError } from '@x/core';
import { GGMLType, MALFORMED_METADATA_CASES, rewriteGGUFMetadata, synthesizeModel } from '@x/runtime';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { loadLM } from '../src/lm/load-lm.js';
import { loadNativeAddon } from '../src/native/native-binding.js';
import { NativeCode } from '../src/native/native-errors.js';
import { makeTempDir } from './support/paths.js';

const directory = makeTempDir('malformed-metadata');
const valid = path.join(directory, 'tiny-llama.gguf');
beforeAll(async () => {
  await synthesizeModel({ shape: 'tiny-llama', path: valid, type: GGMLType.F32 });
});

describe('malformed metadata (the shared validation, as the reference and ONNX loaders)', () => {
  it.each(MALFORMED_METADATA_CASES)('rejects $name with ModelFormatError', async ({ name, edits }) => {
    const file = path.join(directory, `${name.replaceAll(/\W+/g, '-')}.gguf`);
    await rewriteGGUFMetadata(valid, file, edits);
    for (const load of [loadEngine, loadLM]) {
      const error = await load(file).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ModelFormatError);
      expect((error as ModelFormatError).path).toBe(file);
    }
  });

  it('opens a model whose trained context exceeds what one sequence can hold', async () => {
    const file = path.join(directory, 'long-context.gguf');
    await rewriteGGUFMetadata(valid, file, { 'llama.context_length': 1 << 24 });
    const engine = await loadEngine(file, { threads: 1, maxSequences: 1 });
    expect(engine.info.contextLength).toBe(1 << 22);
    await engine.dispose();
  });
});

describe('rope scaling keys, checked by the addon itself too', () => {
  const addon = loadNativeAddon();
  const nativeCode = (file: string) =>
    addon.loadModel(file).then(
      (model) => {
        model.dispose();
        return 0;
      },
      (error: { xcCode?: number }) => error.xcCode,
    );

  it.each(
    MALFORMED_METADATA_CASES.filter(
      ({ name }) => name.includes('rope') && /scaling|attn|original/.test(name),
    ),
  )('the addon rejects $name as a format error', async ({ name, edits }) => {
    const file = path.join(directory, `native-${name.replaceAll(/\W+/g, '-')}.gguf`);
    await rewriteGGUFMetadata(valid, file, edits);
    expect(await nativeCode(file)).toBe(NativeCode.format);
  });

  it('refuses LongRoPE with UnsupportedError, and opens YaRN with its stretched context', async () => {
    const longrope = path.join(directory, 'longrope.gguf');
    await rewriteGGUFMetadata(valid, longrope, { 'llama.rope.scaling.type': 'longrope' });
    expect(await nativeCode(longrope)).toBe(NativeCode.unsupported);
    await expect(loadEngine(longrope)).rejects.toBeInstanceOf(UnsupportedError);
    const yarn = path.join(directory, 'yarn.gguf');
    await rewriteGGUFMetadata(valid, yarn, {
      'llama.rope.scaling.type': 'yarn',
      'llama.rope.scaling.factor': 4,
    });
    expect(await nativeCode(yarn)).toBe(0);
    // context_length 256 is YaRN's original context here: the engine serves 4× that
    const engine = await loadEngine(yarn, { threads: 1, maxSequences: 1 });
    expect(engine.info.contextLength).toBe(1024);
    await engine.dispose();
  });
});
