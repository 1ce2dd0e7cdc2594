import type { Tokenizer } from '@x/runtime';

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/**
 * Prompt number `index`: pseudo-random lowercase words whose encoding (with the tokenizer's special
 * tokens, as LocalLM.complete encodes it) is exactly `length` tokens, or as close as the tokenizer allows.
 * The text and its ids are returned together so a text runner and an id runner see the same tokens.
 */
export function promptOf(
  tokenizer: Tokenizer,
  length: number,
  index: number,
): { text: string; ids: number[] } {
  let state = (index + 1) * 2_654_435_761;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state;
  };
  const encode = (text: string) => tokenizer.encode(text, { addSpecial: true, parseSpecial: true });
  let text = '';
  let ids = encode(text);
  while (ids.length < length) {
    const word = Array.from({ length: 2 + (next() % 6) }, () => LETTERS[next() % 26]).join('');
    const longer = `${text}${text === '' ? '' : ' '}${word}`;
    const longerIds = encode(longer);
    if (longerIds.length > length) {
      // the word overshoots: add single letters instead
      const letter = `${text}${LETTERS[next() % 26]}`;
      const letterIds = encode(letter);
      if (letterIds.length > length) break;
      text = letter;
      ids = letterIds;
      continue;
    }
    text = longer;
    ids = longerIds;
  }
  return { text, ids };
}
