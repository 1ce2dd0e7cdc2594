import path from 'node:path';
import { grammar } from '@x/core';
import { describe, expect, it, vi } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadLM } from '../reference/load-lm.js';
import { CONSTRAINED_LOOKUP_CASE } from './testing/constrained-lookup-case.js';

const modelPath = path.join(sharedModelsDir, 'stories260K.gguf');
const prompts = ['Once upon a time', 'The cat sat', 'Lily and Ben went', 'Once upon a time there was'];

describe('lm.complete with and without Engine.forwardArgmax (reference engine, stories260K)', () => {
  it('gives the same tokens alone, batched and with prompt-lookup drafts, greedy steps taking argmax ids', async () => {
    // A fixed verify cost: whether prompt lookup drafts must not hinge on this machine's timings.
    const on = await loadLM(modelPath, {
      contextLength: 128,
      prefixCacheSize: 0,
      promptLookupVerifyCostPerToken: 0.1,
    });
    const off = await loadLM(modelPath, { contextLength: 128, prefixCacheSize: 0, engineArgmax: false });
    const argmaxCalls = vi.spyOn(on.engine, 'forwardArgmax');
    const offCalls = vi.spyOn(off.engine, 'forwardArgmax');
    try {
      const run = (lm: typeof on) =>
        Promise.all(prompts.map((prompt) => lm.complete(prompt, { maxTokens: 20, stop: ['.'] })));
      const [batchedOn, batchedOff] = [await run(on), await run(off)];
      expect(batchedOn.map((r) => r.tokenIds)).toEqual(batchedOff.map((r) => r.tokenIds));
      expect(batchedOn.map((r) => r.text)).toEqual(batchedOff.map((r) => r.text));
      const alone = 'Once upon a time, Lily. Once upon a time, Lily. Once upon a time,';
      const [aloneOn, aloneOff] = [
        await on.complete(alone, { maxTokens: 24 }),
        await off.complete(alone, { maxTokens: 24 }),
      ];
      expect(aloneOn.tokenIds).toEqual(aloneOff.tokenIds);
      expect(on.stats().draftedTokens).toBeGreaterThan(0);
      expect(argmaxCalls.mock.calls.length).toBeGreaterThan(20);
      expect(offCalls).not.toHaveBeenCalled();
      // A sampled call reads logits: no argmax step while it runs alone.
      argmaxCalls.mockClear();
      await on.complete('The cat sat', { maxTokens: 8, temperature: 0.8, seed: 2 });
      expect(argmaxCalls).not.toHaveBeenCalled();
    } finally {
      await Promise.all([on.dispose(), off.dispose()]);
    }
  });

  it("gives the same tokens for grammar-constrained calls, their steps taking argmax ids within the grammar's masks", async () => {
    const constraint = {
      name: 'pet',
      grammar: grammar.seq(
        grammar.alt(grammar.literal('The cat'), grammar.literal('The dog'), grammar.literal('Lily')),
        grammar.repeat(grammar.oneOf('abcdefghijklmnopqrstuvwxyz ,'), 1, 60),
        grammar.literal('.'),
      ),
    };
    const options = { contextLength: 128, prefixCacheSize: 0, promptLookupMaxBatch: 0 };
    const on = await loadLM(modelPath, options);
    const off = await loadLM(modelPath, { ...options, engineArgmax: false });
    const argmaxCalls = vi.spyOn(on.engine, 'forwardArgmax');
    try {
      const run = (lm: typeof on) =>
        Promise.all(prompts.map((prompt) => lm.complete(prompt, { maxTokens: 24, constraint })));
      const [batchedOn, batchedOff] = [await run(on), await run(off)];
      expect(batchedOn.map((r) => r.tokenIds)).toEqual(batchedOff.map((r) => r.tokenIds));
      expect(batchedOn.map((r) => r.text)).toEqual(batchedOff.map((r) => r.text));
      for (const { text } of batchedOn) expect(text).toMatch(/^\s?(The cat|The dog|Lily)/);
      expect(argmaxCalls.mock.calls.length).toBeGreaterThan(10);
      // Each decode row of those steps carried its grammar's mask.
      const rows = argmaxCalls.mock.calls.flatMap(([batch]) => batch);
      expect(rows.every((request) => request.allowed instanceof Uint32Array)).toBe(true);
    } finally {
      await Promise.all([on.dispose(), off.dispose()]);
    }
  });

  it('gives the same tokens for a grammar-constrained call with prompt-lookup drafts, its drafted steps masked row by row', async () => {
    const { constraint, prompt } = CONSTRAINED_LOOKUP_CASE;
    const options = { contextLength: 256, prefixCacheSize: 0, promptLookupVerifyCostPerToken: 0 };
    const drafted = await loadLM(modelPath, options);
    const logits = await loadLM(modelPath, { ...options, engineArgmax: false });
    const undrafted = await loadLM(modelPath, { ...options, promptLookupMaxBatch: 0 });
    const argmaxCalls = vi.spyOn(drafted.engine, 'forwardArgmax');
    const logitsCalls = vi.spyOn(drafted.engine, 'forward');
    try {
      const run = (lm: typeof drafted) => lm.complete(prompt, { maxTokens: 48, constraint });
      const [a, b, c] = [await run(drafted), await run(logits), await run(undrafted)];
      expect(a.tokenIds).toEqual(b.tokenIds);
      expect(a.tokenIds).toEqual(c.tokenIds);
      expect(a.text).toBe(c.text);
      expect(drafted.stats().acceptedDraftTokens).toBeGreaterThan(0);
      expect(drafted.stats().draftedTokens).toBe(logits.stats().draftedTokens);
      expect(drafted.stats().acceptedDraftTokens).toBe(logits.stats().acceptedDraftTokens);
      // Every step an argmax (forwardArgmaxViaLogits makes one forward call each), drafted ones with row masks.
      expect(logitsCalls.mock.calls.length).toBe(argmaxCalls.mock.calls.length);
      const requests = argmaxCalls.mock.calls.flatMap(([batch]) => batch);
      expect(requests.some((request) => Array.isArray(request.allowed))).toBe(true);
    } finally {
      await Promise.all([drafted.dispose(), logits.dispose(), undrafted.dispose()]);
    }
  });
});
