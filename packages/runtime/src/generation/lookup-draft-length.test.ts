import { describe, expect, it } from 'vitest';
import { LookupDraftLength } from './lookup-draft-length.js';

describe('LookupDraftLength', () => {
  it('starts at the most and doubles back after a fully kept draft', () => {
    const length = new LookupDraftLength(8);
    expect(length.next()).toBe(8);
    length.update(8, 3);
    expect(length.next()).toBe(4);
    length.update(4, 4);
    expect(length.next()).toBe(8);
    length.update(8, 8);
    expect(length.next()).toBe(8);
  });

  it('never drafts fewer than the least worth a verify', () => {
    const length = new LookupDraftLength(8, 3);
    length.update(8, 1);
    expect(length.next()).toBe(3);
    expect(length.minimum).toBe(3);
  });

  it('pauses 1, 2, 4 … 16 steps after drafts that miss at once, and resets when one lands', () => {
    const length = new LookupDraftLength(8);
    const pauses: number[] = [];
    for (let miss = 0; miss < 7; miss++) {
      length.update(length.next() || 2, 0);
      let paused = 0;
      while (length.next() === 0) paused++;
      pauses.push(paused);
    }
    expect(pauses).toEqual([1, 2, 4, 8, 16, 16, 16]);
    expect(length.next()).toBe(2);
    length.update(2, 1);
    length.update(2, 0);
    expect([length.next(), length.next()]).toEqual([0, 2]);
  });
});
