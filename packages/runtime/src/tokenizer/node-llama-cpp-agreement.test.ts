import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { getLlama, type Llama } from 'node-llama-cpp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadTokenizer } from './load-tokenizer.js';
import { agreementCorpus } from './testing/agreement-corpus.js';
import { vocabDir } from './testing/vocab-dir.js';

const vocabs = readdirSync(vocabDir)
  .filter((file) => file.endsWith('.gguf'))
  .map((file) => path.join(vocabDir, file));

describe('agreement with llama.cpp (node-llama-cpp)', () => {
  let llama: Llama;
  beforeAll(async () => {
    llama = await getLlama({ gpu: false, build: 'never', logLevel: 'disabled' as never });
  });
  afterAll(async () => {
    await llama?.dispose();
  });

  it('has the vocab-only GGUFs', () => {
    expect(vocabs.length).toBeGreaterThanOrEqual(12);
    expect(vocabs.every((file) => existsSync(file))).toBe(true);
  });

  it.each(vocabs.map((file) => [path.basename(file), file]))(
    '%s: encode and decode agree',
    async (_, file) => {
      const model = await llama.loadModel({ modelPath: file, vocabOnly: true });
      try {
        const tokenizer = await loadTokenizer(file);
        expect(tokenizer.bosId).toBe(model.tokens.bos ?? undefined);
        expect(tokenizer.eosId ?? null).toBe(model.tokens.eos);
        const differences: unknown[] = [];
        for (const text of agreementCorpus) {
          for (const parseSpecial of [false, true]) {
            const expected = Array.from(model.tokenize(text, parseSpecial)) as number[];
            const got = tokenizer.encode(text, { addSpecial: false, parseSpecial });
            if (got.join(' ') !== expected.join(' ')) differences.push({ text, parseSpecial, expected, got });
            const withBos = model.tokens.bos === null ? expected : [model.tokens.bos as number, ...expected];
            for (const ids of [expected, withBos]) {
              for (const special of [false, true]) {
                const want = model.detokenize(ids as never, special);
                const decoded = tokenizer.decode(ids, { skipSpecial: !special });
                if (decoded !== want) differences.push({ decode: ids, special, want, got: decoded });
              }
            }
          }
        }
        expect(differences).toEqual([]);
      } finally {
        await model.dispose();
      }
    },
  );
});
