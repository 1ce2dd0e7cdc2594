import { describe, expect, it } from 'vitest';
import { LocalLM } from './local-lm.js';
import { FakeEngine } from './testing/fake-engine.js';
import { FakeTokenizer } from './testing/fake-tokenizer.js';
import { VocabularyMismatchError } from './vocabulary-mismatch-error.js';

const wholeHistory = (tokens: readonly number[], vocabSize: number) =>
  (tokens.reduce((sum, token, i) => sum + token * (i + 1), 0) % (vocabSize - 4)) + 2;
// right on most steps, wrong on every fifth position: drafts get cut and resumed
const mostlyRight = (tokens: readonly number[], vocabSize: number) =>
  tokens.length % 5 === 0
    ? (wholeHistory(tokens, vocabSize) + 1) % vocabSize
    : wholeHistory(tokens, vocabSize);

function setup(draftNext: typeof wholeHistory | undefined, options: { draftModelMaxBatch?: number } = {}) {
  const tokenizer = new FakeTokenizer();
  const target = new FakeEngine({ vocabSize: tokenizer.vocabSize, next: wholeHistory });
  const plainEngine = new FakeEngine({ vocabSize: tokenizer.vocabSize, next: wholeHistory });
  const draftEngine = new FakeEngine({ vocabSize: tokenizer.vocabSize, next: draftNext });
  const base = { tokenizer, prefixCacheSize: 0, promptLookupMaxBatch: 0 };
  const lm = new LocalLM({
    ...base,
    engine: target,
    draftModel: { engine: draftEngine, tokenizer },
    ...options,
  });
  const plain = new LocalLM({ ...base, engine: plainEngine });
  return { lm, plain, target, plainEngine, draftEngine };
}

const prompts = ['hello there', 'the cat sat on the mat', 'abc'];

describe('speculative decoding with a draft model (LocalLM over fake engines)', () => {
  it('accepts every draft of a draft that agrees with the target: same tokens, fewer target calls', async () => {
    const { lm, plain, target, plainEngine, draftEngine } = setup(wholeHistory);
    for (const prompt of prompts) {
      const fast = await lm.complete(prompt, { maxTokens: 17 });
      const slow = await plain.complete(prompt, { maxTokens: 17 });
      expect(fast).toMatchObject({
        text: slow.text,
        tokenIds: slow.tokenIds,
        finishReason: slow.finishReason,
      });
    }
    const stats = lm.stats();
    expect(stats.draftedTokens).toBeGreaterThan(30);
    expect(stats.acceptedDraftTokens).toBe(stats.draftedTokens);
    expect(stats.draftAcceptanceRate).toBe(1);
    expect(target.calls.length).toBeLessThan(plainEngine.calls.length / 2);
    // drafts never run past maxTokens: the target computes exactly what plain decoding does
    expect(target.forwardedTokens).toBe(plainEngine.forwardedTokens);
    expect(draftEngine.sequences.size).toBe(0);
    await lm.dispose();
    expect(draftEngine.disposed).toBe(false);
  });

  it('keeps plain greedy output when drafts are partly wrong, rolling both caches back', async () => {
    const { lm, plain } = setup(mostlyRight);
    for (const prompt of prompts) {
      for (const options of [{ maxTokens: 25 }, { maxTokens: 25, stop: ['q'] }]) {
        const fast = await lm.complete(prompt, options);
        const slow = await plain.complete(prompt, options);
        expect(fast).toMatchObject({
          text: slow.text,
          tokenIds: slow.tokenIds,
          finishReason: slow.finishReason,
        });
      }
    }
    const { draftAcceptanceRate, draftedTokens } = lm.stats();
    expect(draftedTokens).toBeGreaterThan(30);
    // with a stale draft cache the history-dependent drafts would almost never be right
    expect(draftAcceptanceRate).toBeGreaterThan(0.3);
    expect(draftAcceptanceRate).toBeLessThan(1);
  });

  it('matches plain greedy with a useless draft, and stays off for sampled requests and busy batches', async () => {
    const { lm, plain, target, draftEngine } = setup(undefined, { draftModelMaxBatch: 2 });
    for (const prompt of prompts) {
      expect((await lm.complete(prompt, { maxTokens: 40 })).tokenIds).toEqual(
        (await plain.complete(prompt, { maxTokens: 40 })).tokenIds,
      );
    }
    // a draft that never agrees shrinks to one token, then pauses: few verify calls, the first the longest
    const lengths = target.calls
      .flat()
      .filter((request) => request.logitsFor === 'all')
      .map((request) => request.tokens.length);
    expect(lengths[0]).toBe(5);
    expect(Math.max(...lengths)).toBe(5);
    expect(lengths.length).toBeLessThan((prompts.length * 39) / 3);
    const before = draftEngine.calls.length;
    await lm.complete('hello', { maxTokens: 6, temperature: 0.7, seed: 3 });
    expect(draftEngine.calls.length).toBe(before);
    await Promise.all(['abc', 'bcd', 'cde', 'def'].map((p) => lm.complete(p, { maxTokens: 2 })));
    expect(draftEngine.calls.length).toBe(before);
    await lm.dispose();
  });

  it('throws VocabularyMismatchError for a draft with another vocabulary, and owns it only when asked', async () => {
    const tokenizer = new FakeTokenizer();
    const engine = new FakeEngine({ vocabSize: tokenizer.vocabSize });
    const wider = new FakeEngine({ vocabSize: tokenizer.vocabSize + 1 });
    expect(() => new LocalLM({ engine, tokenizer, draftModel: wider })).toThrow(VocabularyMismatchError);
    const renamed = Object.assign(new FakeTokenizer(), {
      tokenText: (id: number) => (id === 7 ? 'x' : new FakeTokenizer().tokenText(id)),
    });
    let error: unknown;
    try {
      new LocalLM({ engine, tokenizer, draftModel: { engine: wider, tokenizer: renamed } });
    } catch (caught) {
      error = caught;
    }
    expect(VocabularyMismatchError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ tokenId: 7, code: 'X_VOCABULARY_MISMATCH' });
    const owned = new FakeEngine({ vocabSize: tokenizer.vocabSize });
    const lm = new LocalLM({ engine, tokenizer, draftModel: owned, disposeDraftModel: true });
    await lm.dispose();
    expect(owned.disposed).toBe(true);
  });
});
