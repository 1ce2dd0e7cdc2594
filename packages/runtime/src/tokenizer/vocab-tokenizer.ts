import { XError } from '@x/core';
import { cleanSpaces } from './clean-spaces.js';
import { FragmentCache } from './fragment-cache.js';
import { partitionSpecial } from './partition-special.js';
import { SpecialTrie } from './special-trie.js';
import type { TextModel } from './text-model.js';
import { TokenStreamDecoder } from './token-stream-decoder.js';
import type { DecodeOptions, EncodeOptions, StreamDecoder, Tokenizer } from './tokenizer.js';
import { utf8Decode } from './utf8.js';
import type { SpecialToken, Vocab } from './vocab.js';

export interface VocabTokenizerOptions {
  kind: string;
  vocab: Vocab;
  model: TextModel;
  /** Tokens cut out of the text before the model runs, longest first. */
  specials: SpecialToken[];
  /** The bytes each token stands for when decoded. */
  pieceBytes: (id: number) => Uint8Array;
  bosId?: number | undefined;
  eosId?: number | undefined;
  /** Ids put before / after the text when addSpecial is on (BOS, or [CLS]; EOS, or [SEP]). */
  prefixIds?: readonly number[];
  suffixIds?: readonly number[];
  stopIds: Iterable<number>;
  /** Decoding drops one leading space from the first token (the space SentencePiece added). */
  stripLeadingSpace?: boolean;
  /** Decoding removes the space before `?!.,` and some contractions (llama.cpp clean_spaces). */
  cleanSpaces?: boolean;
}

/** A Tokenizer over a vocabulary: special-token partition, a text model, and byte-exact decoding. */
export class VocabTokenizer implements Tokenizer {
  readonly kind: string;
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  readonly stopIds: ReadonlySet<number>;
  private readonly pieces: (Uint8Array | undefined)[];
  private readonly trie: SpecialTrie | undefined;
  private readonly fragments = new FragmentCache();
  private readonly encodeFragment: (text: string, first: boolean, out: number[]) => void;

  constructor(private readonly options: VocabTokenizerOptions) {
    this.kind = options.kind;
    this.vocabSize = options.vocab.size;
    this.bosId = options.bosId;
    this.eosId = options.eosId;
    this.stopIds = new Set(options.stopIds);
    this.pieces = new Array(options.vocab.size);
    // A linear scan per token is cheaper for a handful; thousands (Gemma-style) need the one-pass trie.
    this.trie = options.specials.length > 64 ? new SpecialTrie(options.specials) : undefined;
    this.encodeFragment = (text, first, out) => options.model.encode(text, first, out);
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const addSpecial = options.addSpecial ?? true;
    const parseSpecial = options.parseSpecial ?? true;
    const ids: number[] = [];
    if (addSpecial) ids.push(...(this.options.prefixIds ?? []));
    const fragments = partitionSpecial(
      text,
      this.options.specials,
      parseSpecial,
      this.trie,
      options.literalRanges,
    );
    for (let i = 0; i < fragments.length; i++) {
      const fragment = fragments[i] as string | number;
      if (typeof fragment === 'number') ids.push(fragment);
      else this.fragments.encode(fragment, i === 0, ids, this.encodeFragment);
    }
    if (addSpecial) ids.push(...(this.options.suffixIds ?? []));
    return ids;
  }

  decode(ids: ArrayLike<number>, options: DecodeOptions = {}): string {
    const parts: Uint8Array[] = [];
    let total = 0;
    for (let i = 0; i < ids.length; i++) {
      const bytes = this.visibleBytes(ids[i] as number, options.skipSpecial ?? false, i === 0);
      parts.push(bytes);
      total += bytes.length;
    }
    const joined = new Uint8Array(total);
    let offset = 0;
    for (const part of parts) {
      joined.set(part, offset);
      offset += part.length;
    }
    const text = utf8Decode(joined);
    return this.options.cleanSpaces ? cleanSpaces(text) : text;
  }

  tokenBytes(id: number): Uint8Array {
    this.checkId(id);
    let bytes = this.pieces[id];
    if (bytes === undefined) {
      bytes = this.options.pieceBytes(id);
      this.pieces[id] = bytes;
    }
    return bytes;
  }

  isSpecial(id: number): boolean {
    return this.options.vocab.isControl(id);
  }

  tokenText(id: number): string {
    this.checkId(id);
    return this.options.vocab.tokens[id] as string;
  }

  createStreamDecoder(options: DecodeOptions = {}): StreamDecoder {
    return new TokenStreamDecoder((id, first) => this.visibleBytes(id, options.skipSpecial ?? false, first));
  }

  /** A token's bytes as decode shows them: hidden when special and skipped, first token's space dropped. */
  private visibleBytes(id: number, skipSpecial: boolean, first: boolean): Uint8Array {
    const bytes = skipSpecial && this.isSpecial(id) ? EMPTY : this.tokenBytes(id);
    if (first && this.options.stripLeadingSpace && bytes[0] === 0x20) return bytes.subarray(1);
    return bytes;
  }

  private checkId(id: number): void {
    if (!Number.isInteger(id) || id < 0 || id >= this.vocabSize) {
      throw new XError('X_TOKEN_ID', `token id ${id} is outside the vocabulary (0..${this.vocabSize - 1})`);
    }
  }
}

const EMPTY = new Uint8Array(0);
