import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeSymbols } from './merge-symbols.js';

/** The slow twin: rescan for the best pair after every merge. */
function mergeByRescan(symbols: string[], cost: (a: string, b: string) => number | undefined): string[] {
  const out = symbols.slice();
  for (;;) {
    let best = -1;
    let bestCost = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < out.length; i++) {
      const value = cost(out[i] as string, out[i + 1] as string);
      if (value !== undefined && value < bestCost) {
        best = i;
        bestCost = value;
      }
    }
    if (best < 0) return out;
    out.splice(best, 2, (out[best] as string) + (out[best + 1] as string));
  }
}

describe('mergeSymbols', () => {
  it('merges lowest cost first, leftmost on ties', () => {
    const ranks = new Map([
      ['a a', 0],
      ['aa a', 1],
    ]);
    const cost = (a: string, b: string) => ranks.get(`${a} ${b}`);
    expect(mergeSymbols(['a', 'a', 'a'], cost)).toEqual(['aaa']);
    expect(mergeSymbols(['a', 'a', 'a', 'a'], cost)).toEqual(['aa', 'aa']);
  });

  it('agrees with the rescanning merge on random rank tables', () => {
    const alphabet = ['a', 'b', 'c'];
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...alphabet), { minLength: 0, maxLength: 24 }),
        fc.array(
          fc.tuple(fc.constantFrom('a', 'b', 'c', 'ab', 'bc', 'ca', 'aa'), fc.constantFrom(...alphabet)),
          {
            maxLength: 12,
          },
        ),
        (symbols, pairs) => {
          const ranks = new Map<string, number>();
          pairs.forEach(([left, right], rank) => {
            if (!ranks.has(`${left} ${right}`)) ranks.set(`${left} ${right}`, rank);
          });
          const cost = (a: string, b: string) => ranks.get(`${a} ${b}`);
          expect(mergeSymbols(symbols, cost)).toEqual(mergeByRescan(symbols, cost));
        },
      ),
      { numRuns: 300 },
    );
  });
});
