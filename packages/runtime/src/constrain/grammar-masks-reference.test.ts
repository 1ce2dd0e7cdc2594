import path from 'node:path';
import { ChatAdapter, JSONAdapter } from '@x/core';
import { describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { loadTokenizer } from '../tokenizer/load-tokenizer.js';
import { vocabDir } from '../tokenizer/testing/vocab-dir.js';
import { GrammarMasks, maskAllows, maskIsEmpty, type TokenMask } from './grammar-masks.js';
import { DEAD } from './lazy-dfa.js';
import { SIGNATURE_CORPUS } from './testing/signature-corpus.js';
import { TokenVocabulary } from './token-vocabulary.js';

/**
 * The mask GrammarMasks promises, token by token without the trie or any cache: the allowed
 * tokens, or with a budget those leaving at most `budget` bytes to go (the fewest, when no token
 * can finish in time; every id, when none goes on at all), and the stop ids where the text may end.
 */
function referenceMask(masks: GrammarMasks, state: number, budget?: number): TokenMask {
  const { vocabulary, dfa } = masks;
  const mask = new Uint32Array(Math.ceil(vocabulary.size / 32));
  const set = (id: number) => {
    mask[id >>> 5]! |= 1 << (id & 31);
  };
  const after = new Map<number, number>();
  vocabulary.tokenBytes.forEach((bytes, id) => {
    if (bytes === undefined || bytes.length === 0) return;
    const next = dfa.walk(state, bytes);
    if (next !== DEAD) after.set(id, Math.min(0xfffe, dfa.distance(next)));
  });
  if (budget === undefined || budget >= masks.maxDistance) {
    for (const id of after.keys()) set(id);
  } else {
    const least = Math.min(0xffff, ...after.values());
    const limit = dfa.isAccepting(state) ? budget : Math.max(budget, least);
    if (limit >= 0xffff) for (let id = 0; id < vocabulary.size; id++) set(id);
    for (const [id, distance] of after) if (distance <= limit) set(id);
  }
  if (dfa.isAccepting(state)) for (const id of vocabulary.stopIds) set(id);
  return mask;
}

/** Walks seeded random paths through the grammar, checking every mask (first made and cached) against the reference. */
function checkPaths(masks: GrammarMasks, runs: number): number {
  let checked = 0;
  for (let seed = 1; seed <= runs; seed++) {
    let random = seed * 7919;
    let state = masks.dfa.start;
    const maxTokens = masks.dfa.distance(state) + 1 + ((seed * 37) % 60);
    for (let used = 0; used < maxTokens; used++) {
      const budget = maxTokens - used - 1;
      // Each mask twice: as first made, then from the cache.
      for (const b of [budget, undefined]) {
        const reference = referenceMask(masks, state, b);
        expect(masks.mask(state, b)).toEqual(reference);
        expect(masks.mask(state, b)).toEqual(reference);
        expect(masks.isEmpty(masks.mask(state, b))).toBe(maskIsEmpty(reference));
        expect(masks.isEmpty(masks.mask(state, b))).toBe(maskIsEmpty(reference));
        checked++;
      }
      let mask = masks.mask(state, budget);
      if (maskIsEmpty(mask)) mask = masks.mask(state);
      const ids = [...Array(masks.vocabulary.size).keys()].filter((id) => maskAllows(mask, id));
      if (ids.length === 0) break;
      random = (Math.imul(random, 1103515245) + 12345) >>> 0;
      const id = ids[random % ids.length]!;
      if (masks.vocabulary.stopIds.includes(id)) break;
      state = masks.advance(state, id);
    }
  }
  return checked;
}

describe('GrammarMasks against a token-by-token reference', () => {
  it.each([
    ['stories260K SentencePiece (512)', path.join(sharedModelsDir, 'stories260K.gguf'), 12],
    ['llama SentencePiece (32k)', path.join(vocabDir, 'ggml-vocab-llama-spm.gguf'), 2],
  ])(
    'gives the same masks, first made and cached, for the adapters’ grammars on %s',
    async (_name, file, runs) => {
      const tokenizer = await loadTokenizer(file);
      const vocabulary = TokenVocabulary.fromTokenizer(tokenizer);
      for (const adapter of [new ChatAdapter(), new JSONAdapter()]) {
        for (const { signature } of SIGNATURE_CORPUS.slice(0, 3)) {
          const node = adapter.outputConstraint(signature).grammar;
          expect(checkPaths(new GrammarMasks(node, vocabulary), runs)).toBeGreaterThan(0);
        }
      }
    },
  );
});
