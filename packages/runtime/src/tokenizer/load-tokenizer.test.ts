import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ModelFormatError, UnsupportedError, XError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { createTokenizerFromGGUFMetadata } from './create-tokenizer-from-gguf-metadata.js';
import { createTokenizerFromHfJson } from './create-tokenizer-from-hf-json.js';
import { loadTokenizer } from './load-tokenizer.js';
import { vocabDir } from './testing/vocab-dir.js';

const scratch = mkdtempSync(path.join(tmpdir(), 'x-tokenizer-'));

describe('loadTokenizer and bad input', () => {
  it('loads a GGUF and reports its stop ids', async () => {
    const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-phi-3.gguf'));
    expect(tokenizer.kind).toBe('spm');
    expect(tokenizer.vocabSize).toBe(32064);
    expect(tokenizer.encode('Hi')[0]).toBe(1);
    const end = tokenizer.encode('<|end|>', { addSpecial: false });
    expect(end).toHaveLength(1);
    expect(tokenizer.stopIds.has(end[0] as number)).toBe(true);
    expect(tokenizer.stopIds.has(tokenizer.eosId as number)).toBe(true);
    expect(tokenizer.encode('<|end|>', { addSpecial: false, parseSpecial: false }).length).toBeGreaterThan(1);
  });

  it('rejects missing paths, garbage files and empty folders with ModelFormatError', async () => {
    await expect(loadTokenizer(path.join(scratch, 'nope'))).rejects.toSatisfy(ModelFormatError.isInstance);
    const garbage = path.join(scratch, 'garbage.bin');
    writeFileSync(garbage, 'not a tokenizer at all');
    await expect(loadTokenizer(garbage)).rejects.toSatisfy(ModelFormatError.isInstance);
    const badJson = path.join(scratch, 'tokenizer.json');
    writeFileSync(badJson, '{ "model": ');
    await expect(loadTokenizer(badJson)).rejects.toSatisfy(ModelFormatError.isInstance);
    const empty = mkdtempSync(path.join(scratch, 'empty-'));
    await expect(loadTokenizer(empty)).rejects.toSatisfy(ModelFormatError.isInstance);
  });

  it('rejects metadata without a tokenizer, of the wrong type, or of an unknown kind', () => {
    expect(() => createTokenizerFromGGUFMetadata({})).toThrow(ModelFormatError);
    expect(() =>
      createTokenizerFromGGUFMetadata({ 'tokenizer.ggml.model': 'llama', 'tokenizer.ggml.tokens': 'abc' }),
    ).toThrow(ModelFormatError);
    expect(() =>
      createTokenizerFromGGUFMetadata({ 'tokenizer.ggml.model': 'rwkv', 'tokenizer.ggml.tokens': ['a'] }),
    ).toThrow(UnsupportedError);
    expect(() =>
      createTokenizerFromGGUFMetadata({
        'tokenizer.ggml.model': 'gpt2',
        'tokenizer.ggml.pre': 'no-such-pre',
        'tokenizer.ggml.tokens': ['a'],
        'tokenizer.ggml.merges': [],
      }),
    ).toThrow(UnsupportedError);
    expect(() => createTokenizerFromHfJson({ model: { type: 'Unigram', vocab: [] } })).toThrow(
      UnsupportedError,
    );
    expect(() => createTokenizerFromHfJson([])).toThrow(ModelFormatError);
  });

  it('throws a typed error for ids outside the vocabulary', async () => {
    const tokenizer = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-gpt-2.gguf'));
    expect(() => tokenizer.decode([50257])).toThrow(XError);
    expect(() => tokenizer.tokenText(-1)).toThrow(XError);
    expect(() => tokenizer.createStreamDecoder().push(1.5)).toThrow(XError);
  });
});
