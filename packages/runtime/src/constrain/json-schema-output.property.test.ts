import path from 'node:path';
import { GrammarError, jsonSchemaGrammar } from '@x/core';
import { Ajv } from 'ajv';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConstraintCompiler } from '../generation/constraint-compiler.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { maskAllows } from './grammar-masks.js';
import { GrammarMatcher } from './grammar-matcher.js';
import { runOnRandomLogits } from './testing/run-constrained.js';
import { SCHEMA_CORPUS } from './testing/schema-corpus.js';

const scale = Number(process.env.X_CONSTRAIN_RUNS ?? 1);
const vocabularies = [
  { name: 'qwen2 byte-level BPE (151k)', file: path.join(sharedModelsDir, 'tokenizers/qwen2-bpe'), runs: 6 },
  { name: 'llama SentencePiece (32k)', file: path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'), runs: 20 },
];

describe.each(vocabularies)('JSON-schema outputs on the $name vocabulary', ({ file, runs }) => {
  let tokenizer: Tokenizer;
  let compiler: ConstraintCompiler;
  const ajv = new Ajv({ strict: true });
  beforeAll(async () => {
    tokenizer = await loadTokenizer(file);
    compiler = new ConstraintCompiler(tokenizer, tokenizer.vocabSize);
  });

  it.each(SCHEMA_CORPUS)('every seeded run validates: $name', ({ schema }) => {
    const validate = ajv.compile(schema);
    const masks = compiler.masksFor(jsonSchemaGrammar(schema));
    const least = masks.dfa.distance(masks.dfa.start);
    for (let seed = 0; seed < runs * scale; seed++) {
      const maxTokens = least + 1 + ((seed * 53) % 120);
      const run = runOnRandomLogits(new GrammarMatcher(masks), {
        vocabSize: tokenizer.vocabSize,
        stopIds: [...tokenizer.stopIds],
        maxTokens,
        seed,
        temperature: seed % 5 === 0 ? 0 : 1,
      });
      const text = tokenizer.decode(run.ids, { skipSpecial: true });
      let document: unknown;
      try {
        document = JSON.parse(text);
      } catch (error) {
        throw new Error(`seed ${seed}, maxTokens ${maxTokens}: ${(error as Error).message}\n${text}`);
      }
      if (!validate(document)) throw new Error(`seed ${seed}: ${ajv.errorsText(validate.errors)}\n${text}`);
    }
  });

  it.each(SCHEMA_CORPUS)(
    'teacher-forcing valid documents admits every token: $name',
    ({ schema, documents }) => {
      const validate = ajv.compile(schema);
      const masks = compiler.masksFor(jsonSchemaGrammar(schema));
      for (const document of documents) {
        expect(validate(document)).toBe(true);
        for (const text of [JSON.stringify(document), JSON.stringify(document, null, 2)]) {
          const matcher = new GrammarMatcher(masks);
          const ids = tokenizer.encode(text, { addSpecial: false, parseSpecial: false });
          ids.forEach((id, i) => {
            if (!maskAllows(matcher.mask(), id))
              throw new Error(
                `${JSON.stringify(tokenizer.decode([id]))} refused after ${JSON.stringify(tokenizer.decode(ids.slice(0, i)))}`,
              );
            matcher.advance(id);
          });
          expect(matcher.accepting).toBe(true);
        }
      }
    },
  );
});

describe('jsonSchemaGrammar', () => {
  it('refuses keywords it cannot enforce instead of dropping them', () => {
    expect(() => jsonSchemaGrammar({ type: 'string', pattern: '^a+$' })).toThrowError(GrammarError);
    expect(() => jsonSchemaGrammar({ type: 'integer', minimum: 3 })).toThrowError(/minimum/);
    expect(() => jsonSchemaGrammar({ type: 'integer', maximum: 2 ** 53 - 1 })).not.toThrow();
    expect(() => jsonSchemaGrammar({ type: 'integer', maximum: 1e14 })).toThrowError(/maximum/);
    expect(() => jsonSchemaGrammar({ type: 'number', minimum: -(2 ** 53) })).toThrowError(/minimum/);
    expect(() => jsonSchemaGrammar({ $ref: '#/$defs/Missing' })).toThrowError(/cannot resolve/);
    const tree = { type: 'object', properties: { child: { $ref: '#' } } };
    expect(() => jsonSchemaGrammar({ $defs: { Tree: tree }, $ref: '#/$defs/Tree' })).toThrowError(
      GrammarError,
    );
  });
});
