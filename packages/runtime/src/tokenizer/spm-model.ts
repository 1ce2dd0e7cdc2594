import { codePoints, mergeSymbols } from './merge-symbols.js';
import { PieceCache, type TextModel } from './text-model.js';
import { utf8Encode } from './utf8.js';
import type { Vocab } from './vocab.js';

const SPACE = '\u2581';

/**
 * SentencePiece BPE as llama.cpp's llm_tokenizer_spm: spaces become ▁, the highest-scoring adjacent pair
 * that forms a token merges first, and symbols left without a token fall back to `<0xNN>` byte tokens.
 */
export class SpmModel implements TextModel {
  private readonly byteIds: Int32Array;
  private readonly cache = new PieceCache();
  /** True when no token holds ▁ after another character, so text can be cut before each word. */
  private readonly splittable: boolean;

  constructor(
    private readonly vocab: Vocab,
    private readonly scores: ArrayLike<number>,
    private readonly addSpacePrefix: boolean,
  ) {
    this.byteIds = new Int32Array(256).fill(-1);
    for (let byte = 0; byte < 256; byte++) {
      const hex = byte.toString(16).toUpperCase().padStart(2, '0');
      this.byteIds[byte] = vocab.idOf.get(`<0x${hex}>`) ?? vocab.idOf.get(String.fromCharCode(byte)) ?? -1;
    }
    this.splittable = vocab.tokens.every((token) => !/[^\u2581]\u2581/.test(token));
  }

  encode(text: string, _first: boolean, out: number[]): void {
    const escaped = (this.addSpacePrefix ? ' ' + text : text).replaceAll(' ', SPACE);
    if (!this.splittable) {
      this.encodeChunk(escaped, out);
      return;
    }
    // No token spans "x▁", so merges never cross such a boundary and each chunk can be done (and cached) alone.
    let start = 0;
    for (let i = 1; i <= escaped.length; i++) {
      if (i < escaped.length && !(escaped[i] === SPACE && escaped[i - 1] !== SPACE)) continue;
      const chunk = escaped.slice(start, i);
      const cached = this.cache.get(chunk);
      if (cached !== undefined) {
        for (const id of cached) out.push(id);
      } else {
        const ids: number[] = [];
        this.encodeChunk(chunk, ids);
        this.cache.set(chunk, ids);
        for (const id of ids) out.push(id);
      }
      start = i;
    }
  }

  private encodeChunk(text: string, out: number[]): void {
    const { idOf } = this.vocab;
    const scores = this.scores;
    const symbols = mergeSymbols(codePoints(text), (left, right) => {
      const id = idOf.get(left + right);
      return id === undefined ? undefined : -(scores[id] ?? 0);
    });
    for (const symbol of symbols) {
      const id = idOf.get(symbol);
      if (id !== undefined) {
        out.push(id);
        continue;
      }
      for (const byte of utf8Encode(symbol)) {
        const byteId = this.byteIds[byte] as number;
        if (byteId >= 0) out.push(byteId);
      }
    }
  }
}
