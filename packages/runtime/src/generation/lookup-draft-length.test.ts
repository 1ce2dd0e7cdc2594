import { describe, expect, it } from 'vitest';
import { LookupDraftLength } from './lookup-draft-length.js';

const halfStep = (k: number) => 1 + 0.5 * k;
const flat = (k: number) => 1 + 0.05 * k;

describe('LookupDraftLength', () => {
  it('drafts longer as drafts keep landing, up to the most', () => {
    const length = new LookupDraftLength(8);
    const lengths: number[] = [];
    for (let step = 0; step < 6; step++) {
      const k = length.next(halfStep);
      lengths.push(k);
      length.update(k, k);
    }
    expect(lengths[0]).toBe(2);
    expect(lengths.at(-1)).toBeGreaterThan(4);
    expect([...lengths].sort((a, b) => a - b)).toEqual(lengths);
    // with verify nearly free, the longest draft pays
    expect(length.next(flat)).toBe(8);
  });

  it('stops drafting when drafts miss, and tries again after some plain steps', () => {
    const length = new LookupDraftLength(8);
    for (let step = 0; step < 4; step++) length.update(Math.max(2, length.next(halfStep)), 0);
    expect(length.acceptance).toBeLessThan(0.4);
    let plainSteps = 0;
    let k = length.next(halfStep);
    for (; k === 0 && plainSteps < 100; k = length.next(halfStep)) plainSteps++;
    expect(plainSteps).toBeGreaterThan(3);
    expect(plainSteps).toBeLessThan(100);
    expect(k).toBe(2);
  });

  it('never drafts fewer than the least worth a verify, and starts from the prior', () => {
    const length = new LookupDraftLength(8, 3);
    expect(length.next(halfStep)).toBeGreaterThanOrEqual(3);
    expect(length.minimum).toBe(3);
    // a request starts from the acceptance it is given
    expect(new LookupDraftLength(8, 2, 0.97).next(halfStep)).toBeGreaterThan(4);
    expect(new LookupDraftLength(8, 2, 0.3).next(halfStep)).toBe(0);
    // a verify costing three steps a token never pays
    expect(new LookupDraftLength(8).next((k) => 1 + 3 * k)).toBe(0);
  });
});
