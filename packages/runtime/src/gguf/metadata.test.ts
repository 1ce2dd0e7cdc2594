import { ModelFormatError } from '@x/core';
import { describe, expect, it } from 'vitest';
import {
  archKey,
  getArchNumber,
  getArray,
  getBoolean,
  getNumber,
  getNumberArray,
  getOptional,
  getString,
  getStringArray,
} from './metadata.js';
import type { GGUFValue } from './read-gguf-value.js';

const meta: Record<string, GGUFValue> = {
  'general.architecture': 'qwen2',
  'qwen2.context_length': 32768,
  'tokenizer.ggml.tokens': ['a', 'b'],
  'tokenizer.ggml.scores': [0, -1.5],
  'tokenizer.ggml.add_bos_token': false,
  big: 2n ** 64n - 1n,
};

describe('metadata accessors', () => {
  it('returns typed values and arch-prefixed keys', () => {
    expect(getString(meta, 'general.architecture')).toBe('qwen2');
    expect(archKey(meta, 'context_length')).toBe('qwen2.context_length');
    expect(getArchNumber(meta, 'context_length')).toBe(32768);
    expect(getStringArray(meta, 'tokenizer.ggml.tokens')).toEqual(['a', 'b']);
    expect(getNumberArray(meta, 'tokenizer.ggml.scores')).toEqual([0, -1.5]);
    expect(getBoolean(meta, 'tokenizer.ggml.add_bos_token')).toBe(false);
    expect(getOptional(meta, 'qwen2.rope.freq_base', getNumber, 10000)).toBe(10000);
  });

  it('throws ModelFormatError naming the key when missing or mistyped', () => {
    expect(() => getArchNumber(meta, 'block_count', 'm.gguf')).toThrow(/qwen2\.block_count is missing/);
    const error = (() => {
      try {
        getNumber(meta, 'general.architecture', 'm.gguf');
      } catch (caught) {
        return caught as ModelFormatError;
      }
    })();
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error?.path).toBe('m.gguf');
    expect(error?.expected).toBe('number');
    expect(error?.got).toBe('string qwen2');
    expect(() => getNumber(meta, 'big')).toThrow(/wrong type/);
    expect(() => getArray(meta, 'general.architecture')).toThrow(ModelFormatError);
    expect(() => getStringArray(meta, 'tokenizer.ggml.scores')).toThrow(/array of strings/);
    expect(() => getOptional(meta, 'general.architecture', getNumber, 0)).toThrow(ModelFormatError);
  });
});
