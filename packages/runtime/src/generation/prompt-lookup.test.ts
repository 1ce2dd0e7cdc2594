import { describe, expect, it } from 'vitest';
import { draftFromContext } from './prompt-lookup.js';

describe('draftFromContext', () => {
  it('proposes what followed the latest earlier occurrence of the last n-gram', () => {
    expect(draftFromContext([1, 2, 3, 4, 9, 1, 2, 3, 5, 6, 1, 2, 3], { maxDraft: 4 })).toEqual([5, 6, 1, 2]);
    expect(draftFromContext([7, 8, 1, 2, 3, 4, 5, 6, 7, 8], { maxDraft: 3 })).toEqual([1, 2, 3]);
  });

  it('prefers the longest n-gram and drafts nothing below the shortest', () => {
    // [2, 3] last occurred before 9, but [1, 2, 3] only before 4
    expect(draftFromContext([1, 2, 3, 4, 5, 2, 3, 9, 1, 2, 3], { maxDraft: 2 })).toEqual([4, 5]);
    expect(draftFromContext([1, 2, 3, 4, 5, 3])).toEqual([]);
    expect(draftFromContext([1, 2, 3, 4, 5, 3], { minNgram: 1, maxDraft: 2 })).toEqual([4, 5]);
    expect(draftFromContext([1, 2, 1, 2], { maxDraft: 0 })).toEqual([]);
    expect(draftFromContext([])).toEqual([]);
  });

  it('continues a match near the end as an overlapping copy, so loops draft in full', () => {
    // [5, 6, 1, 2, 3] then what the match predicts next: [5, 6, 1, 2, 3] again
    expect(draftFromContext([1, 2, 3, 4, 9, 1, 2, 3, 5, 6, 1, 2, 3])).toEqual([5, 6, 1, 2, 3, 5, 6, 1]);
    expect(draftFromContext([4, 7, 7, 7], { maxDraft: 5 })).toEqual([7, 7, 7, 7, 7]);
    expect(draftFromContext([9, 1, 2, 1, 2], { maxDraft: 3 })).toEqual([1, 2, 1]);
  });
});
