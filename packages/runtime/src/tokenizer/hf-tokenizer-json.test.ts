import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadTokenizer } from './load-tokenizer.js';
import { agreementCorpus } from './testing/agreement-corpus.js';
import { readVocabVectors } from './testing/llama-cpp-vectors.js';
import { vocabDir } from './testing/vocab-dir.js';

interface GoldenCase {
  text: string;
  plain: number[];
  withSpecial: number[];
}

// Ids recorded from transformers.js (AutoTokenizer on the same files); see the fixture's `source`.
const golden = JSON.parse(
  readFileSync(new URL('./__fixtures__/transformers-js-golden.json', import.meta.url), 'utf8'),
) as { cases: Record<string, GoldenCase[]> };

const tokenizerFiles: Record<string, string> = {
  smollm2: path.join(sharedModelsDir, 'tokenizers/smollm2-135m-instruct/tokenizer.json'),
  phi3v: path.join(sharedModelsDir, 'tokenizers/phi-3-vision'),
};

describe('Hugging Face tokenizer.json', () => {
  it.each(Object.keys(tokenizerFiles))('%s matches transformers.js ids', async (name) => {
    const tokenizer = await loadTokenizer(tokenizerFiles[name] as string);
    const cases = golden.cases[name] ?? [];
    expect(cases.length).toBeGreaterThan(15);
    for (const { text, plain, withSpecial } of cases) {
      expect({ text, ids: tokenizer.encode(text, { addSpecial: false }) }).toEqual({ text, ids: plain });
      expect({ text, ids: tokenizer.encode(text) }).toEqual({ text, ids: withSpecial });
    }
  });

  it('smollm2 knows its chat tokens and stops on <|im_end|>', async () => {
    const tokenizer = await loadTokenizer(tokenizerFiles.smollm2 as string);
    expect(tokenizer.kind).toBe('bpe');
    expect(tokenizer.encode('<|im_start|><|im_end|><|endoftext|>')).toEqual([1, 2, 0]);
    expect(tokenizer.stopIds.has(2)).toBe(true);
    expect(tokenizer.isSpecial(1)).toBe(true);
    expect(tokenizer.decode(tokenizer.encode('def f(x):\n    return 42\n'))).toBe(
      'def f(x):\n    return 42\n',
    );
  });

  it('phi-3-vision tokenizer.json agrees with the phi-3 GGUF on plain text', async () => {
    const hf = await loadTokenizer(tokenizerFiles.phi3v as string);
    const gguf = await loadTokenizer(path.join(vocabDir, 'ggml-vocab-phi-3.gguf'));
    const vectors = readVocabVectors(
      path.join(vocabDir, 'ggml-vocab-phi-3.gguf.inp'),
      path.join(vocabDir, 'ggml-vocab-phi-3.gguf.out'),
    );
    expect(hf.kind).toBe('spm');
    expect(hf.bosId).toBe(1);
    // Only plain text: HF and llama.cpp disagree by design on specials (tokenizer.json's rstrip flags vs
    // llama.cpp's phi-3 rstrip-everything rule, and llama.cpp turning `</s>` into a control token).
    const texts = [
      ...vectors.map((vector) => vector.text),
      ...agreementCorpus.filter((text) => !text.includes('<')),
    ];
    for (const text of texts) {
      const options = { addSpecial: true, parseSpecial: false };
      expect({ text, ids: hf.encode(text, options) }).toEqual({ text, ids: gguf.encode(text, options) });
    }
    for (const { text, ids } of vectors) expect(hf.encode(text, { addSpecial: false })).toEqual(ids);
  });
});
