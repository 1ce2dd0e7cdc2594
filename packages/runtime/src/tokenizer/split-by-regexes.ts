/**
 * Applies each pattern in turn to every piece so far, keeping both the matches and the text between
 * them as pieces (llama.cpp's unicode_regex_split). Patterns must carry the `g` flag.
 */
export function splitByRegexes(text: string, patterns: readonly RegExp[]): string[] {
  let pieces = [text];
  for (const pattern of patterns) {
    const next: string[] = [];
    for (const piece of pieces) splitOne(piece, pattern, next);
    pieces = next;
  }
  return pieces;
}

function splitOne(piece: string, pattern: RegExp, out: string[]): void {
  pattern.lastIndex = 0;
  let start = 0;
  for (let match = pattern.exec(piece); match !== null; match = pattern.exec(piece)) {
    const end = match.index + match[0].length;
    if (match[0].length === 0) {
      pattern.lastIndex++;
      continue;
    }
    if (match.index > start) out.push(piece.slice(start, match.index));
    out.push(match[0]);
    start = end;
  }
  if (start < piece.length) out.push(piece.slice(start));
}
