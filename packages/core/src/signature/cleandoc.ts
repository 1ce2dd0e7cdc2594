const leadingSpace = /^[\s\u0085]+/u;

/**
 * Python's `inspect.cleandoc`, which DSPy applies to every signature's instructions: tabs expanded,
 * the first line's leading whitespace and the other lines' common indentation removed, then leading
 * and trailing empty lines dropped.
 */
export function cleandoc(text: string): string {
  const lines = text.split('\n').map(expandTabs);
  let margin = Number.POSITIVE_INFINITY;
  for (const line of lines.slice(1)) {
    const content = line.replace(leadingSpace, '').length;
    if (content > 0) margin = Math.min(margin, line.length - content);
  }
  lines[0] = lines[0]!.replace(leadingSpace, '');
  if (margin !== Number.POSITIVE_INFINITY) {
    for (let i = 1; i < lines.length; i++) lines[i] = lines[i]!.slice(margin);
  }
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  while (lines.length > 0 && lines[0] === '') lines.shift();
  return lines.join('\n');
}

/** `str.expandtabs()`: tab stops every 8 columns. */
function expandTabs(line: string): string {
  if (!line.includes('\t')) return line;
  let out = '';
  for (const char of line) {
    if (char === '\t') out += ' '.repeat(8 - (out.length % 8));
    else out += char;
  }
  return out;
}
