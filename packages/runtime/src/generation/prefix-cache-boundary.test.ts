import { ChainOfThought, ChatAdapter, Signature } from '@x/core';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { LocalLM } from './local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';

const program = new ChainOfThought(
  Signature.from('question -> answer', 'Answer the shop question; think about prices first.'),
);
const demos = [
  { question: 'How much are 2 apples at 0.40?', reasoning: '2 × 0.40 = 0.80.', answer: '0.80 euros' },
  { question: 'Is a 3-item order discounted?', reasoning: 'Three is not more than three.', answer: 'No' },
];
const messagesFor = (question: string) =>
  new ChatAdapter().format(program.predict.signature, demos, { question });

describe('prefix cache on a ChainOfThought prompt (SmolLM2 tokenizer, chatml)', () => {
  it('reuses every token before the new question: the hit does not stop at an earlier template boundary', async () => {
    const tokenizer = await loadTokenizer(
      `${sharedModelsDir}/tokenizers/smollm2-135m-instruct/tokenizer.json`,
    );
    const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize, contextLength: 2048 });
    const lm = new LocalLM({ engine, tokenizer });
    await lm.generate(messagesFor('Where is the shop?'), { maxTokens: 3 });
    const second = 'What do 5 pears cost?';
    const prompt = lm.encodeRequest({ kind: 'chat', messages: messagesFor(second) });
    engine.calls.length = 0;
    await lm.generate(messagesFor(second), { maxTokens: 3 });

    const prefill = engine.calls[0]![0]!;
    const reused = prompt.length - prefill.tokens.length;
    expect(prefill.tokens).toEqual(prompt.slice(reused));
    // the first recomputed token is where the two questions differ, and every earlier one came from the cache
    expect(tokenizer.decode(prefill.tokens)).toMatch(/^What do 5 pears cost\?/);
    expect(tokenizer.decode(prompt.slice(0, reused))).toMatch(/\[\[ ## question ## \]\]\n$/);
    await lm.dispose();
  });
});
