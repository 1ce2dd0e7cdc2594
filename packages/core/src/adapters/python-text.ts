// Python's str methods where JS differs, so joined prompt text matches DSPy exactly.

const pythonSpace =
  ' \t\n\r\v\f\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000';

/** `str.strip()` with Python's notion of whitespace. */
export function pythonStrip(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && pythonSpace.includes(text[start]!)) start++;
  while (end > start && pythonSpace.includes(text[end - 1]!)) end--;
  return text.slice(start, end);
}

const lineBreak = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;
const endsWithLineBreak = new RegExp(`(?:${lineBreak.source})$`);

/** `str.splitlines()`: no trailing empty element for a final line break. */
export function pythonSplitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split(lineBreak);
  if (endsWithLineBreak.test(text)) lines.pop();
  return lines;
}

/** `textwrap.dedent`: removes the longest common leading whitespace; whitespace-only lines become empty. */
export function pythonDedent(text: string): string {
  const lines = text.split('\n').map((line) => (/^[ \t]+$/.test(line) ? '' : line));
  let margin: string | undefined;
  for (const line of lines) {
    if (line === '') continue;
    const indent = /^[ \t]*/.exec(line)![0];
    if (margin === undefined) margin = indent;
    else {
      let shared = 0;
      while (shared < margin.length && shared < indent.length && margin[shared] === indent[shared]) shared++;
      margin = margin.slice(0, shared);
    }
  }
  const cut = margin?.length ?? 0;
  return lines.map((line) => line.slice(cut)).join('\n');
}
