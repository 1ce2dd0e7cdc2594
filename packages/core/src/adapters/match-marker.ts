export type MarkerMatch =
  | { kind: 'full'; end: number; name: string }
  | { kind: 'partial' }
  | { kind: 'none' };

/**
 * Matches a field marker `[[ ## name ## ]]` at `start` (spaces around `##` may vary).
 * 'partial' means the text ends while it could still become a marker.
 */
export function matchMarker(text: string, start: number): MarkerMatch {
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
