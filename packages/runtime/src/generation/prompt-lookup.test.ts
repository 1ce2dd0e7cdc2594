import { describe, expect, it } from 'vitest';
import { draftFromContext } from './prompt-lookup.js';

describe('draftFromContext', () => {
  it('proposes what followed the earlier occurrence of the last n-gram', () => {
    expect(draftFromContext([7, 8, 1, 2, 3, 4, 5, 6, 7, 8], { maxDraft: 3 })).toEqual([1, 2, 3]);
  });

  it('prefers the longest n-gram and drafts nothing below the shortest', () => {
    // [2, 3] occurred twice with different continuations, [1, 2, 3] only once, before 4
    expect(draftFromContext([1, 2, 3, 4, 5, 2, 3, 9, 1, 2, 3], { maxDraft: 2 })).toEqual([4, 5]);
    expect(draftFromContext([1, 2, 3, 4, 5, 3])).toEqual([]);
    expect(draftFromContext([1, 2, 3, 4, 5, 3], { minNgram: 1, maxDraft: 2 })).toEqual([4, 5]);
    expect(draftFromContext([1, 2, 1, 2], { maxDraft: 0 })).toEqual([]);
    expect(draftFromContext([])).toEqual([]);
  });

  it('drafts only as far as most occurrences agree', () => {
    // [1, 2, 3] was followed once by 4 and once by 5: a guess, so no draft
    expect(draftFromContext([1, 2, 3, 4, 9, 1, 2, 3, 5, 6, 1, 2, 3])).toEqual([]);
    // [1, 2] three times: 5 twice, then those two part ways
    expect(draftFromContext([1, 2, 5, 8, 1, 2, 5, 9, 1, 2, 6, 7, 1, 2])).toEqual([5]);
    // a single voter drafts on its own
    expect(draftFromContext([1, 2, 5, 8, 1, 2, 5, 9, 1, 2, 6, 7, 1, 2], { maxCandidates: 1 })).toEqual([
      6, 7, 1, 2, 6, 7, 1, 2,
    ]);
  });

  it('continues a match near the end as an overlapping copy, so loops draft in full', () => {
    expect(draftFromContext([8, 1, 2, 3, 1, 2, 3], { maxDraft: 5 })).toEqual([1, 2, 3, 1, 2]);
    expect(draftFromContext([4, 7, 7, 7], { maxDraft: 5 })).toEqual([7, 7, 7, 7, 7]);
    expect(draftFromContext([9, 1, 2, 1, 2], { maxDraft: 3 })).toEqual([1, 2, 1]);
  });
});
