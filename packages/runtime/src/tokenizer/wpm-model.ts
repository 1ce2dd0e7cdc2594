import type { TextModel } from './text-model.js';
import type { Vocab } from './vocab.js';

const WHITESPACE = /[\t\n\v\f\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]/u;
const CONTROL = /\p{C}/u;
const MARK = /\p{M}/u;
const PUNCTUATION = /\p{P}/u;
const SYMBOL = /\p{S}/u;

function isChinese(code: number): boolean {
  return (
    (code >= 0x4e00 && code <= 0x9fff) ||
    (code >= 0x3400 && code <= 0x4dbf) ||
    (code >= 0x20000 && code <= 0x2a6df) ||
    (code >= 0x2a700 && code <= 0x2b73f) ||
    (code >= 0x2b740 && code <= 0x2b81f) ||
    (code >= 0x2b920 && code <= 0x2ceaf) ||
    (code >= 0xf900 && code <= 0xfaff) ||
    (code >= 0x2f800 && code <= 0x2fa1f)
  );
}

/** llama.cpp's "NFD": each code point becomes the first code point of its canonical decomposition. */
function decompose(text: string): string {
  let out = '';
  for (const char of text) out += String.fromCodePoint(char.normalize('NFD').codePointAt(0) as number);
  return out;
}

/** BERT WordPiece as llama.cpp's llm_tokenizer_wpm: word-start tokens carry ▁, greedy longest match. */
export class WpmModel implements TextModel {
  private readonly maxTokenLength: number;

  constructor(
    private readonly vocab: Vocab,
    private readonly unknownId: number | undefined,
    private readonly lowercase: boolean,
  ) {
    this.maxTokenLength = vocab.tokens.reduce((max, token) => Math.max(max, token.length), 0);
  }

  encode(text: string, _first: boolean, out: number[]): void {
    for (const word of this.words(text)) this.encodeWord(word, out);
  }

  private words(text: string): string[] {
    const words: string[] = [''];
    const source = this.lowercase ? decompose(text) : text;
    for (const char of source) {
      const code = char.codePointAt(0) as number;
      if (WHITESPACE.test(char)) {
        if (words[words.length - 1] !== '') words.push('');
        continue;
      }
      if (code === 0 || code === 0xfffd || CONTROL.test(char)) continue;
      if (this.lowercase && MARK.test(char)) continue;
      const piece = this.lowercase ? char.toLowerCase() : char;
      if (PUNCTUATION.test(char) || (code < 0x7f && SYMBOL.test(char)) || isChinese(code)) {
        if (words[words.length - 1] !== '') words.push('');
        words[words.length - 1] = piece;
        words.push('');
      } else {
        words[words.length - 1] += piece;
      }
    }
    return words.filter((word) => word.length > 0);
  }

  private encodeWord(word: string, out: number[]): void {
    const text = '\u2581' + word;
    const start = out.length;
    for (let i = 0; i < text.length; ) {
      let matched = false;
      for (let end = Math.min(text.length, i + this.maxTokenLength + 1); end > i; end--) {
        const id = this.vocab.idOf.get(text.slice(i, end));
        if (id !== undefined) {
          out.push(id);
          i = end;
          matched = true;
          break;
        }
      }
      if (!matched) {
        out.length = start;
        break;
      }
    }
    if (out.length === start && this.unknownId !== undefined) out.push(this.unknownId);
  }
}
