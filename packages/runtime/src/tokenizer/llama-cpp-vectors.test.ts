import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadTokenizer } from './load-tokenizer.js';
import { readVocabVectors } from './testing/llama-cpp-vectors.js';
import { vocabDir } from './testing/vocab-dir.js';

// llama.cpp's test-tokenizer-0 runs every input with add_special = false, parse_special = false.
const options = { addSpecial: false, parseSpecial: false };

const ggufVocabs = readdirSync(vocabDir)
  .filter((file) => file.endsWith('.gguf') && existsSync(path.join(vocabDir, `${file}.inp`)))
  .map((file) => file.slice('ggml-vocab-'.length, -'.gguf'.length));

// Vocabularies whose .gguf is absent here, checked through the same tokenizer in another format.
const otherFormats: Record<string, string> = {
  qwen2: path.join(sharedModelsDir, 'tokenizers/qwen2-bpe'),
  'llama-bpe': path.join(sharedModelsDir, 'tokenizers/llama3-tiktoken/tokenizer.model'),
};

describe('llama.cpp tokenizer vectors', () => {
  it('finds every vocabulary the task names', () => {
    const expected = [
      'bert-bge',
      'deepseek-coder',
      'deepseek-llm',
      'falcon',
      'gpt-2',
      'llama-spm',
      'mpt',
      'phi-3',
    ];
    expect(ggufVocabs).toEqual(expect.arrayContaining([...expected, 'refact', 'starcoder']));
  });

  const cases: Array<[string, string]> = [
    ...ggufVocabs.map((name): [string, string] => [name, path.join(vocabDir, `ggml-vocab-${name}.gguf`)]),
    ...Object.entries(otherFormats),
  ];
  it.each(cases)('%s matches every vector', async (name, location) => {
    const tokenizer = await loadTokenizer(location);
    const vectors = readVocabVectors(
      path.join(vocabDir, `ggml-vocab-${name}.gguf.inp`),
      path.join(vocabDir, `ggml-vocab-${name}.gguf.out`),
    );
    expect(vectors.length).toBeGreaterThan(40);
    const mismatches = vectors
      .map(({ text, ids }) => ({ text, expected: ids, got: tokenizer.encode(text, options) }))
      .filter(({ expected, got }) => expected.join(' ') !== got.join(' '));
    expect(mismatches).toEqual([]);
  });
});
