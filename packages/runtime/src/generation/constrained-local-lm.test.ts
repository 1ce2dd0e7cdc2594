import path from 'node:path';
import { ChainOfThought, ChatAdapter, JSONAdapter, Predict, type Signature } from '@x/core';
import { describe, expect, it } from 'vitest';
import { assertFieldType, SIGNATURE_CORPUS } from '../constrain/testing/signature-corpus.js';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadLM } from '../reference/load-lm.js';
import { ReferenceEngine } from '../reference/reference-engine.js';
import { randomModel, TINY_SHAPE } from '../reference/testing/random-model.js';
import { toReferenceModel } from '../reference/testing/random-reference-model.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { LocalLM } from './local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';

const storiesPath = path.join(sharedModelsDir, 'stories260K.gguf');

function checkTypes(signature: Signature, values: Record<string, unknown>): void {
  for (const field of signature.outputFields) assertFieldType(values[field.name], field.type, field.name);
}

describe('LocalLM with the adapter grammar (stories260K, reference engine)', () => {
  it('parses every corpus signature through both adapters, greedy and seeded, cut by maxTokens or not', async () => {
    const lm = await loadLM(storiesPath);
    let ran = 0;
    try {
      // A ToolCalls output needs a list[Tool] input to call (its grammar is in the property test and ReAct's).
      const corpus = SIGNATURE_CORPUS.filter(
        ({ signature }) => !signature.outputFields.some((field) => field.type.kind === 'toolCalls'),
      );
      for (const { signature } of corpus) {
        for (const adapter of [new ChatAdapter({ fallbackToJSON: false }), new JSONAdapter()]) {
          // Greedy with a tight budget and seeded with a loose one, in turn (each call prefills ~450 tokens).
          const [maxTokens, temperature] = ran % 2 === 0 ? [64, 0] : [100, 0.8];
          const inputs = Object.fromEntries(signature.inputFields.map((field) => [field.name, 'Lily']));
          // stories260K holds 512 tokens; its 512-piece vocabulary spells long prompts.
          const prompt = await lm.countTokens(adapter.format(signature, [], inputs));
          if (prompt + maxTokens > lm.contextLength) continue;
          ran++;
          const outcome = await adapter.call(lm, signature, [], inputs, {
            maxTokens,
            temperature,
            seed: 3,
          });
          checkTypes(signature, outcome.values);
          expect(outcome.result.usage.completionTokens).toBeLessThanOrEqual(maxTokens);
        }
      }
    } finally {
      await lm.dispose();
    }
    expect(ran).toBeGreaterThanOrEqual(6);
  }, 120_000);

  it('ends a run cut by maxTokens with finishReason length and a parseable text', async () => {
    const lm = await loadLM(storiesPath);
    try {
      const signature = SIGNATURE_CORPUS[0]!.signature;
      const call = () =>
        new ChatAdapter({ fallbackToJSON: false }).call(
          lm,
          signature,
          [],
          { question: 'Where is Lily?' },
          { maxTokens: 40 },
        );
      const outcome = await call();
      expect(outcome.result.finishReason).toBe('length');
      expect(outcome.result.usage.completionTokens).toBe(40);
      expect(outcome.rawText).toContain('[[ ## completed ## ]]');
      expect(typeof outcome.values.answer).toBe('string');
      expect((await call()).result.tokenIds).toEqual(outcome.result.tokenIds);
    } finally {
      await lm.dispose();
    }
  });

  it('ChainOfThought streams a reasoning field and a typed answer', async () => {
    const lm = await loadLM(storiesPath);
    try {
      const program = new ChainOfThought('question -> answer: float', { lm, config: { maxTokens: 60 } });
      const prediction = await program.forward({ question: 'How tall is the tree?' });
      expect(typeof prediction.reasoning).toBe('string');
      expect(typeof prediction.answer).toBe('number');
    } finally {
      await lm.dispose();
    }
  });
});

describe('LocalLM with the adapter grammar on a model that already complies', () => {
  it('gives the unconstrained greedy tokens, token for token', async () => {
    const tokenizer = await loadTokenizer(storiesPath);
    const { signature, answer } = SIGNATURE_CORPUS[1]!;
    const adapter = new ChatAdapter();
    const inputs = { question: 'x' };
    const reply = adapter
      .format(signature, [{ ...inputs, ...answer }], inputs)
      .find((m) => m.role === 'assistant')!;
    const script = [...tokenizer.encode(reply.content, { addSpecial: false }), tokenizer.eosId!];
    const run = async (constrain: boolean) => {
      let promptLength = -1;
      const engine = new FakeEngine({
        vocabSize: tokenizer.vocabSize,
        contextLength: 2048,
        next: (tokens) => script[tokens.length - promptLength] ?? tokenizer.eosId!,
      });
      const lm = new LocalLM({ engine, tokenizer, chatTemplate: 'chatml' });
      promptLength = lm.encodeRequest({
        kind: 'chat',
        messages: adapter.format(signature, [], inputs),
      }).length;
      const outcome = await adapter.call(lm, signature, [], inputs, { constrain });
      return outcome;
    };
    const [free, constrained] = [await run(false), await run(true)];
    expect(free.result.tokenIds).toEqual(script);
    expect(constrained.result.tokenIds).toEqual(free.result.tokenIds);
    expect(constrained.values).toEqual(answer);
  });
});

describe.each([
  { arch: 'llama', vocabulary: path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'), runs: 3 },
  { arch: 'qwen2', vocabulary: path.join(sharedModelsDir, 'tokenizers/qwen2-bpe'), runs: 1 },
])('LocalLM with the adapter grammar on a random-weight $arch model', ({ arch, vocabulary, runs }) => {
  it('parses every seeded run through both adapters', async () => {
    const tokenizer: Tokenizer = await loadTokenizer(vocabulary);
    const shape = {
      ...TINY_SHAPE,
      vocabSize: tokenizer.vocabSize,
      embeddingLength: 32,
      feedForwardLength: 48,
      contextLength: 2048,
    };
    const engine = new ReferenceEngine(toReferenceModel(randomModel(arch, { shape, seed: 5, std: 0.5 })));
    const lm = new LocalLM({ engine, tokenizer, chatTemplate: 'chatml' });
    try {
      const signatures = [SIGNATURE_CORPUS[1]!, SIGNATURE_CORPUS[5]!, SIGNATURE_CORPUS[6]!];
      for (let seed = 0; seed < runs; seed++) {
        for (const { signature } of signatures) {
          for (const adapter of [new ChatAdapter({ fallbackToJSON: false }), new JSONAdapter()]) {
            const program = new Predict(signature, {
              lm,
              adapter,
              config: { maxTokens: 48, temperature: 1, seed },
            });
            const inputs = Object.fromEntries(signature.inputFields.map((field) => [field.name, 'hi']));
            try {
              checkTypes(signature, await program.forward(inputs));
            } catch (error) {
              throw new Error(`seed ${seed}: ${JSON.stringify((error as { rawText?: string }).rawText)}`, {
                cause: error,
              });
            }
          }
        }
      }
    } finally {
      await lm.dispose();
    }
  }, 300_000);
});
