import { byteLevelEncode } from './byte-level.js';
import { codePoints, mergeSymbols } from './merge-symbols.js';
import { PieceCache, type TextModel } from './text-model.js';
import { utf8Encode } from './utf8.js';
import type { Vocab } from './vocab.js';

/** Rank of merging `left` and `right` (lower merges first), undefined when they never merge. */
export type PairRank = (left: string, right: string) => number | undefined;

export interface BpeModelOptions {
  vocab: Vocab;
  rank: PairRank;
  /** Cuts a text fragment into pre-tokens (words); each is merged on its own. */
  preTokenize: (text: string, first: boolean) => string[];
  /** GPT-2 byte-level: pre-tokens are mapped byte → character before merging. */
  byteLevel: boolean;
  /** A pre-token that is already a token is used whole (llama3's ignore_merges). */
  ignoreMerges?: boolean;
  /** Leftover symbols become `<0xNN>` tokens (SentencePiece-style BPE). */
  byteFallback?: boolean;
  unknownId?: number;
  /** Consecutive unknown symbols give one unknown token (HF fuse_unk). */
  fuseUnknown?: boolean;
  /**
   * Cut pre-tokens before each word marker (▁) that follows another character: exact when no token holds
   * the marker after another character, since then no merge crosses such a cut. Makes caching work.
   */
  wordMarker?: string;
}

/** Rank-based BPE over pre-tokens, with a cache of pre-token results. */
export class BpeModel implements TextModel {
  private readonly cache = new PieceCache();
  private readonly byteIds: Int32Array | undefined;

  constructor(private readonly options: BpeModelOptions) {
    if (options.byteFallback) {
      this.byteIds = new Int32Array(256).fill(-1);
      for (let byte = 0; byte < 256; byte++) {
        const hex = byte.toString(16).toUpperCase().padStart(2, '0');
        this.byteIds[byte] = options.vocab.idOf.get(`<0x${hex}>`) ?? -1;
      }
    }
  }

  encode(text: string, first: boolean, out: number[]): void {
    const marker = this.options.wordMarker;
    for (const piece of this.options.preTokenize(text, first)) {
      if (marker === undefined) {
        this.encodePiece(piece, out);
        continue;
      }
      let start = 0;
      for (let i = 1; i < piece.length; i++) {
        if (piece[i] !== marker || piece[i - 1] === marker) continue;
        this.encodePiece(piece.slice(start, i), out);
        start = i;
      }
      this.encodePiece(piece.slice(start), out);
    }
  }

  private encodePiece(piece: string, out: number[]): void {
    if (piece.length === 0) return;
    let ids = this.cache.get(piece);
    if (ids === undefined) {
      ids = this.encodeWord(piece);
      this.cache.set(piece, ids);
    }
    for (const id of ids) out.push(id);
  }

  private encodeWord(piece: string): number[] {
    const { vocab, rank, byteLevel, ignoreMerges } = this.options;
    const word = byteLevel ? byteLevelEncode(utf8Encode(piece)) : piece;
    const whole = ignoreMerges ? vocab.idOf.get(word) : undefined;
    if (whole !== undefined) return [whole];
    const symbols = mergeSymbols(byteLevel ? word.split('') : codePoints(word), rank);
    const ids: number[] = [];
    let lastUnknown = false;
    for (const symbol of symbols) {
      const id = vocab.idOf.get(symbol);
      if (id !== undefined) {
        ids.push(id);
        lastUnknown = false;
      } else if (this.byteIds !== undefined) {
        for (const byte of utf8Encode(symbol)) {
          const byteId = this.byteIds[byte] as number;
          if (byteId >= 0) ids.push(byteId);
        }
        lastUnknown = false;
      } else if (byteLevel) {
        for (const char of symbol) {
          const charId = vocab.idOf.get(char);
          if (charId !== undefined) ids.push(charId);
        }
      } else if (this.options.unknownId !== undefined) {
        if (!(lastUnknown && this.options.fuseUnknown)) ids.push(this.options.unknownId);
        lastUnknown = true;
      }
    }
    return ids;
  }
}
