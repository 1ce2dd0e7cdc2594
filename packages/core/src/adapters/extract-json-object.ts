import { stripCodeFence } from './loose-literal.js';
import { thinkPreludeEnd } from './think-prelude.js';

/**
 * The first `{ … }` object in an LM response, after any `<think>…</think>` block. Braces inside
 * strings do not count; an object left open at the end runs to the end of the text (the lenient
 * reader closes it). Undefined when there is no `{`.
 */
export function extractJsonObject(text: string): string | undefined {
  const body = stripCodeFence(text.slice(thinkPreludeEnd(text)));
  const start = body.indexOf('{');
  if (start < 0) return undefined;
  let depth = 0;
  let quote: string | undefined;
  for (let at = start; at < body.length; at++) {
    const char = body[at]!;
    if (quote) {
      if (char === '\\') at++;
      else if (char === quote) quote = undefined;
    } else if (char === '"' || char === "'") {
      quote = char;
    } else if (char === '{') depth++;
    else if (char === '}') {
      depth--;
      if (depth === 0) return body.slice(start, at + 1);
    }
  }
  return body.slice(start);
}
