import type { SpecialTrie } from './special-trie.js';
import type { SpecialToken } from './vocab.js';

/** A piece of input: plain text for the model, or the id of a special token found in the text. */
export type Fragment = string | number;

/** A half-open range of UTF-16 offsets into a text. */
export interface TextRange {
  start: number;
  end: number;
}

const isAsciiSpace = (code: number) => code === 32 || (code >= 9 && code <= 13);

/**
 * Splits `text` around special tokens as llama.cpp's tokenizer_st_partition does: each token in turn
 * (longest first) cuts every remaining text fragment at its non-overlapping occurrences. A control
 * token whose text overlaps one of the `literal` ranges stays text there, as with parseSpecial off.
 */
export function partitionSpecial(
  text: string,
  specials: readonly SpecialToken[],
  parseSpecial: boolean,
  trie?: SpecialTrie,
  literal: readonly TextRange[] = [],
): Fragment[] {
  if (text.length === 0) return [];
  const present = trie?.present(text);
  // Each text fragment keeps its offset in `text`, to test matches against the literal ranges.
  let fragments: Array<{ fragment: Fragment; offset: number }> = [{ fragment: text, offset: 0 }];
  for (const special of specials) {
    if (special.control && !parseSpecial) continue;
    if (present !== undefined ? !present.has(special.id) : !text.includes(special.text)) continue;
    const protectedRanges = special.control ? literal : [];
    const next: typeof fragments = [];
    for (const entry of fragments) {
      if (typeof entry.fragment === 'number') next.push(entry);
      else splitFragment(entry.fragment, entry.offset, special, protectedRanges, next);
    }
    fragments = next;
  }
  return fragments.map((entry) => entry.fragment);
}

function splitFragment(
  fragment: string,
  offset: number,
  special: SpecialToken,
  literal: readonly TextRange[],
  out: Array<{ fragment: Fragment; offset: number }>,
): void {
  let start = 0;
  let from = 0;
  for (;;) {
    const match = fragment.indexOf(special.text, from);
    if (match < 0) break;
    const at = offset + match;
    if (literal.some((range) => at < range.end && at + special.text.length > range.start)) {
      from = match + 1;
      continue;
    }
    let leftEnd = match;
    if (special.lstrip) while (leftEnd > start && isAsciiSpace(fragment.charCodeAt(leftEnd - 1))) leftEnd--;
    if (leftEnd > start) out.push({ fragment: fragment.slice(start, leftEnd), offset: offset + start });
    out.push({ fragment: special.id, offset: at });
    start = match + special.text.length;
    if (special.rstrip) while (start < fragment.length && isAsciiSpace(fragment.charCodeAt(start))) start++;
    from = start;
  }
  if (start < fragment.length) out.push({ fragment: fragment.slice(start), offset: offset + start });
}
