export type MarkerMatch =
  | { kind: 'full'; end: number; name: string }
  | { kind: 'partial' }
  | { kind: 'none' };

/** What `afterLiteral` returns when a character differs, and when the text ends first. */
const MISMATCH = -1;
const TEXT_ENDS = -2;

/**
 * Matches a field marker `[[ ## name ## ]]` at `start` (spaces around `##` may vary).
 * 'partial' means the text ends while it could still become a marker. Written without closures:
 * the chat parser calls it at every `[` of every completion.
 */
export function matchMarker(text: string, start: number): MarkerMatch {
  let at = afterLiteral(text, start, '[[');
  if (at < 0) return failure(at);
  at = afterLiteral(text, afterSpaces(text, at), '##');
  if (at < 0) return failure(at);
  const nameStart = afterSpaces(text, at);
  at = nameStart;
  while (at < text.length && isWordChar(text.charCodeAt(at))) at++;
  if (at >= text.length) return { kind: 'partial' };
  if (at === nameStart) return { kind: 'none' };
  const name = text.slice(nameStart, at);
  at = afterLiteral(text, afterSpaces(text, at), '##');
  if (at < 0) return failure(at);
  at = afterLiteral(text, afterSpaces(text, at), ']]');
  if (at < 0) return failure(at);
  return { kind: 'full', end: at, name };
}

function failure(code: number): MarkerMatch {
  return code === TEXT_ENDS ? { kind: 'partial' } : { kind: 'none' };
}

/** The index after `expected` at `at`, else MISMATCH or TEXT_ENDS. */
function afterLiteral(text: string, at: number, expected: string): number {
  for (let i = 0; i < expected.length; i++, at++) {
    if (at >= text.length) return TEXT_ENDS;
    if (text[at] !== expected[i]) return MISMATCH;
  }
  return at;
}

function afterSpaces(text: string, at: number): number {
  while (at < text.length && (text[at] === ' ' || text[at] === '\t')) at++;
  return at;
}

/** `/\w/` (no `u` flag): ASCII letters, digits and `_`. */
function isWordChar(code: number): boolean {
  return (
    (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95
  );
}
