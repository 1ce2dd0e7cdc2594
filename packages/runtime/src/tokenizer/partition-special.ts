import type { SpecialTrie } from './special-trie.js';
import type { SpecialToken } from './vocab.js';

/** A piece of input: plain text for the model, or the id of a special token found in the text. */
export type Fragment = string | number;

const isAsciiSpace = (code: number) => code === 32 || (code >= 9 && code <= 13);

/**
 * Splits `text` around special tokens as llama.cpp's tokenizer_st_partition does: each token in turn
 * (longest first) cuts every remaining text fragment at its non-overlapping occurrences.
 */
export function partitionSpecial(
  text: string,
  specials: readonly SpecialToken[],
  parseSpecial: boolean,
  trie?: SpecialTrie,
): Fragment[] {
  if (text.length === 0) return [];
  const present = trie?.present(text);
  let fragments: Fragment[] = [text];
  for (const special of specials) {
    if (special.control && !parseSpecial) continue;
    if (present !== undefined ? !present.has(special.id) : !text.includes(special.text)) continue;
    const next: Fragment[] = [];
    for (const fragment of fragments) {
      if (typeof fragment === 'number') {
        next.push(fragment);
        continue;
      }
      splitFragment(fragment, special, next);
    }
    fragments = next;
  }
  return fragments;
}

function splitFragment(fragment: string, special: SpecialToken, out: Fragment[]): void {
  let start = 0;
  for (;;) {
    const match = fragment.indexOf(special.text, start);
    if (match < 0) break;
    let leftEnd = match;
    if (special.lstrip) while (leftEnd > start && isAsciiSpace(fragment.charCodeAt(leftEnd - 1))) leftEnd--;
    if (leftEnd > start) out.push(fragment.slice(start, leftEnd));
    out.push(special.id);
    start = match + special.text.length;
    if (special.rstrip) while (start < fragment.length && isAsciiSpace(fragment.charCodeAt(start))) start++;
  }
  if (start < fragment.length) out.push(fragment.slice(start));
}
