import path from 'node:path';
import { ChatAdapter, JSONAdapter, type Signature } from '@x/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ConstraintCompiler } from '../generation/constraint-compiler.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { maskAllows } from './grammar-masks.js';
import { GrammarMatcher } from './grammar-matcher.js';
import { runOnRandomLogits } from './testing/run-constrained.js';
import { assertFieldType, SIGNATURE_CORPUS } from './testing/signature-corpus.js';

// Seeded runs per (vocabulary, adapter, signature); X_CONSTRAIN_RUNS scales them up for a long soak.
const scale = Number(process.env.X_CONSTRAIN_RUNS ?? 1);
const vocabularies = [
  { name: 'qwen2 byte-level BPE (151k)', file: path.join(sharedModelsDir, 'tokenizers/qwen2-bpe'), runs: 8 },
  { name: 'llama SentencePiece (32k)', file: path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'), runs: 16 },
  { name: 'stories260K SentencePiece (512)', file: path.join(sharedModelsDir, 'stories260K.gguf'), runs: 30 },
];
const adapters = [new ChatAdapter(), new JSONAdapter()];

function knownGoodText(
  adapter: ChatAdapter | JSONAdapter,
  signature: Signature,
  answer: Record<string, unknown>,
) {
  const inputs = Object.fromEntries(signature.inputFields.map((field) => [field.name, 'x']));
  const messages = adapter.format(signature, [{ ...inputs, ...answer }], inputs);
  return messages.find((message) => message.role === 'assistant')!.content;
}

describe.each(vocabularies)('constrained outputs on the $name vocabulary', ({ file, runs }) => {
  let tokenizer: Tokenizer;
  let compiler: ConstraintCompiler;
  beforeAll(async () => {
    tokenizer = await loadTokenizer(file);
    compiler = new ConstraintCompiler(tokenizer, tokenizer.vocabSize);
  });

  describe.each(adapters.map((adapter) => ({ adapter, name: adapter.name })))('$name', ({ adapter }) => {
    it.each(SIGNATURE_CORPUS.map((entry) => ({ ...entry, spec: entry.signature.toString() })))(
      'every seeded run parses into the declared types: $spec',
      ({ signature }) => {
        const masks = compiler.masksFor(adapter.outputConstraint(signature).grammar);
        const least = masks.dfa.distance(masks.dfa.start);
        let cut = 0;
        for (let seed = 0; seed < runs * scale; seed++) {
          const maxTokens = least + 1 + ((seed * 37) % 90);
          const run = runOnRandomLogits(new GrammarMatcher(masks), {
            vocabSize: tokenizer.vocabSize,
            stopIds: [...tokenizer.stopIds],
            maxTokens,
            seed,
            temperature: seed % 4 === 0 ? 0 : 1,
          });
          if (run.finish === 'length') cut++;
          const text = tokenizer.decode(run.ids, { skipSpecial: true });
          let values: Record<string, unknown>;
          try {
            values = adapter.parse(signature, text);
          } catch (error) {
            throw new Error(`seed ${seed}, maxTokens ${maxTokens}: ${(error as Error).message}\n${text}`);
          }
          for (const field of signature.outputFields)
            assertFieldType(values[field.name], field.type, `seed ${seed} ${field.name}`);
        }
        // The budgets are short on purpose: with short tokens some runs must end cut by the budget
        // (long BPE tokens close the text in fewer tokens than the budget allows).
        if (tokenizer.vocabSize < 1000) expect(cut).toBeGreaterThan(0);
      },
    );

    it('admits an answer that leaves out the fields with defaults and Optional ones', () => {
      const { signature } = SIGNATURE_CORPUS.find(
        (entry) => 'label' in entry.answer && 'note' in entry.answer,
      )!;
      const text =
        adapter.name === 'ChatAdapter'
          ? '[[ ## answer ## ]]\nLily\n\n[[ ## completed ## ]]'
          : '{"answer": "Lily", "note": null}';
      const ids = tokenizer.encode(text, { addSpecial: false, parseSpecial: false });
      const matcher = new GrammarMatcher(compiler.masksFor(adapter.outputConstraint(signature).grammar));
      for (const id of ids) {
        expect(maskAllows(matcher.mask(), id)).toBe(true);
        matcher.advance(id);
      }
      expect(matcher.accepting).toBe(true);
      expect(adapter.parse(signature, text)).toEqual({ answer: 'Lily', n: 7, note: null, label: 'a' });
    });

    it.each(SIGNATURE_CORPUS.map((entry) => ({ ...entry, spec: entry.signature.toString() })))(
      'teacher-forcing the formatted answer admits every token: $spec',
      ({ signature, answer }) => {
        const text = knownGoodText(adapter, signature, answer);
        const ids = tokenizer.encode(text, { addSpecial: false, parseSpecial: false });
        const matcher = new GrammarMatcher(compiler.masksFor(adapter.outputConstraint(signature).grammar));
        ids.forEach((id, i) => {
          if (!maskAllows(matcher.mask(), id))
            throw new Error(
              `token ${i} (${JSON.stringify(tokenizer.decode([id]))}) refused after ${JSON.stringify(tokenizer.decode(ids.slice(0, i)))}`,
            );
          matcher.advance(id);
        });
        expect(matcher.accepting).toBe(true);
        expect(adapter.parse(signature, tokenizer.decode(ids))).toEqual(answer);
      },
    );
  });
});
