import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type MarkerMatch, matchMarker } from './match-marker.js';

/** The earlier closure-based matcher, kept as the reference. */
function referenceMatchMarker(text: string, start: number): MarkerMatch {
  let at = start;
  const partialOrNone = (): MarkerMatch => (at >= text.length ? { kind: 'partial' } : { kind: 'none' });
  const literal = (expected: string): boolean => {
    for (const char of expected) {
      if (at >= text.length || text[at] !== char) return false;
      at++;
    }
    return true;
  };
  const spaces = () => {
    while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
  };
  if (!literal('[[')) return partialOrNone();
  spaces();
  if (!literal('##')) return partialOrNone();
  spaces();
  const nameStart = at;
  while (at < text.length && /\w/.test(text[at]!)) at++;
  if (at >= text.length) return { kind: 'partial' };
  if (at === nameStart) return { kind: 'none' };
  const name = text.slice(nameStart, at);
  spaces();
  if (!literal('##')) return partialOrNone();
  spaces();
  if (!literal(']]')) return partialOrNone();
  return { kind: 'full', end: at, name };
}

describe('matchMarker', () => {
  it('matches as the reference does at every start of marker-like text (property)', () => {
    const pieces = ['[[', ']]', '##', '[', ']', '#', ' ', '\t', '\n', 'a', 'Z', '_', '9', '-', 'é', 'answer'];
    const texts = fc.array(fc.constantFrom(...pieces), { maxLength: 14 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(texts, (text) => {
        for (let start = 0; start <= text.length; start++)
          expect(matchMarker(text, start)).toEqual(referenceMatchMarker(text, start));
      }),
      { numRuns: 3000 },
    );
  });

  it('reads markers with varied spacing, and partial ones at the end of the text', () => {
    expect(matchMarker('x [[ ## answer ## ]]\n', 2)).toEqual({ kind: 'full', end: 20, name: 'answer' });
    expect(matchMarker('[[##a_1##]]', 0)).toEqual({ kind: 'full', end: 11, name: 'a_1' });
    expect(matchMarker('[[ ## ans', 0)).toEqual({ kind: 'partial' });
    expect(matchMarker('[[ # x', 0)).toEqual({ kind: 'none' });
    expect(matchMarker('[[ ## é ## ]]', 0)).toEqual({ kind: 'none' });
  });
});
