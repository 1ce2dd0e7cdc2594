import path from 'node:path';
import { createTokenizerFromGGUFMetadata, createTokenizerFromHfJson, readGGUF } from '@x/runtime';
import { sharedModelsDir } from '@x/runtime/testing';
import { describe, expect, it } from 'vitest';
import { hfTokenizerFiles } from './hf-tokenizer-files.js';

const TEXTS = [
  'Once upon a time, there was a little girl.',
  ' leading space and  double  spaces',
  'Hello World! 123 456789 ünïcödé 日本語 🦙',
  'tabs\tand\nnewlines\n\n end',
];

describe('hfTokenizerFiles', () => {
  for (const file of [
    'stories260K.gguf',
    'llama-2-tiny-random.gguf',
    'llama.cpp-vocab/ggml-vocab-gpt-2.gguf',
  ]) {
    it(`${file}: tokenizer.json encodes and decodes as the GGUF tokenizer does`, async () => {
      const gguf = path.join(sharedModelsDir, file);
      const { metadata } = await readGGUF(gguf);
      const expected = createTokenizerFromGGUFMetadata(metadata, gguf);
      const { tokenizer, tokenizerConfig } = hfTokenizerFiles(metadata, 2048);
      const actual = createTokenizerFromHfJson(tokenizer, tokenizerConfig as never, 'generated');
      expect(actual.vocabSize).toBe(expected.vocabSize);
      expect(actual.bosId).toBe(expected.bosId);
      for (const text of TEXTS) {
        const ids = expected.encode(text);
        expect(actual.encode(text)).toEqual(ids);
        expect(actual.decode(ids)).toBe(expected.decode(ids));
      }
    });
  }
});
