import { grammar } from '@x/core';
import { describe, expect, it } from 'vitest';
import { GrammarMasks, maskAllows } from '../constrain/grammar-masks.js';
import { GrammarMatcher } from '../constrain/grammar-matcher.js';
import { TokenVocabulary } from '../constrain/token-vocabulary.js';
import type { ForwardRequest } from '../engine/engine.js';
import { createFakeLM } from './testing/fake-lm.js';

// Fake vocabulary: 'a' = 2 … 'z' = 27, '.' = 29; the fake model favours the next letter, so after
// 'd' it wants 'e', which the grammar refuses: the masked pick is then the first allowed, 'a'.
const constraint = {
  name: 'abcd',
  grammar: grammar.seq(grammar.repeat(grammar.oneOf('abcd'), 1, 14), grammar.literal('.')),
};
const prompt = 'abcdeabcdeabcdeabcdeabcde';
const maxTokens = 18;

/** A forwardArgmax call's request, with the length its sequence had before the call. */
interface SeenRequest {
  request: ForwardRequest;
  before: number;
}

const run = async (engineArgmax: boolean, promptLookupMaxBatch = 2) => {
  const { lm, engine, tokenizer } = createFakeLM(
    { argmax: true },
    { prefixCacheSize: 0, engineArgmax, promptLookupMaxBatch, promptLookupVerifyCostPerToken: 0 },
  );
  const seen: SeenRequest[] = [];
  const forwardArgmax = engine.forwardArgmax!;
  (engine as { forwardArgmax: typeof forwardArgmax }).forwardArgmax = (batch, signal) => {
    for (const request of batch) seen.push({ request, before: engine.sequenceLength(request.seq) });
    return forwardArgmax(batch, signal);
  };
  const result = await lm.complete(prompt, { maxTokens, constraint });
  const promptTokens = tokenizer.encode(prompt).length;
  return { lm, engine, tokenizer, result, seen, promptTokens };
};

describe('drafted grammar-constrained greedy steps take one mask per row', () => {
  it('go through forwardArgmax with row j masked by the grammar after draft[0..j-1], cut where it refuses a draft token', async () => {
    const rowMasked = await run(true);
    const logits = await run(false);
    const undrafted = await run(true, 0);
    expect(rowMasked.result.tokenIds).toEqual(logits.result.tokenIds);
    expect(rowMasked.result.tokenIds).toEqual(undrafted.result.tokenIds);
    expect(rowMasked.result.text).toBe(logits.result.text);
    expect(rowMasked.result.text).toMatch(/^(abcd)+[abcd]*\.?$/);
    // The same drafts proposed and accepted as when the step reads logits.
    const stats = (lm: typeof logits.lm) => [lm.stats().draftedTokens, lm.stats().acceptedDraftTokens];
    expect(stats(rowMasked.lm)).toEqual(stats(logits.lm));
    expect(rowMasked.lm.stats().acceptedDraftTokens).toBeGreaterThan(0);
    // Every step an argmax step, drafted ones included.
    const { engine, seen, promptTokens, tokenizer } = rowMasked;
    expect(engine.argmaxCalls).toBe(engine.calls.length);
    const drafted = seen.filter(
      ({ request, before }) => request.logitsFor === 'all' && before >= promptTokens,
    );
    expect(drafted.length).toBeGreaterThan(0);
    // Row j's mask: the grammar's after the tokens sampled before the step, then draft[0..j-1].
    const masks = new GrammarMasks(
      constraint.grammar,
      TokenVocabulary.fromTokenizer(tokenizer, tokenizer.vocabSize),
    );
    const sampled = rowMasked.result.tokenIds!;
    for (const { request, before } of drafted) {
      const rows = request.allowed as readonly Uint32Array[];
      expect(Array.isArray(rows)).toBe(true);
      expect(rows.length).toBe(request.tokens.length);
      const matcher = new GrammarMatcher(masks);
      // The fed tokens: the last one sampled, then the draft.
      const taken = before - promptTokens + 1;
      for (const id of sampled.slice(0, taken)) matcher.advance(id);
      const draft = Array.from(request.tokens.subarray(1));
      rows.forEach((mask, j) => {
        expect(Array.from(mask)).toEqual(Array.from(matcher.mask(maxTokens - taken - j)));
        // Each fed draft token is one its row allows (a refused one is cut with what follows it).
        if (j < draft.length) {
          expect(maskAllows(mask, draft[j]!)).toBe(true);
          matcher.advance(draft[j]!);
        }
      });
    }
    // Prompt lookup proposes 'e' after 'abcd': those drafts were cut, so fewer tokens were fed.
    expect(engine.forwardedTokens).toBeLessThan(logits.engine.forwardedTokens);
  });
});
