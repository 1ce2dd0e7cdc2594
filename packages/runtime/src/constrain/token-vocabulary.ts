import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { VocabularyTrie } from './vocabulary-trie.js';

/**
 * What a grammar needs to know about a model's tokens. The tokens' bytes and their trie (≈ 0.1 s of
 * JS for a 32k vocabulary) are made on first use, or ahead of it by `prepare()`, which a LocalLM runs
 * while the engine computes its first step (see SchedulerOptions.idleWork).
 */
export class TokenVocabulary {
  /** Length of a logits row (may exceed the tokenizer's vocabulary: padded embeddings). */
  readonly size: number;
  readonly stopIds: readonly number[];
  /** The stream decoder drops one leading space from the first token (SentencePiece's ▁ prefix). */
  readonly stripsLeadingSpace: boolean;
  private bytesOf: (() => ReadonlyArray<Uint8Array | undefined>) | undefined;
  private bytes: ReadonlyArray<Uint8Array | undefined> | undefined;
  private builtTrie: VocabularyTrie | undefined;

  constructor(fields: {
    size: number;
    /** Decoded bytes per token (undefined: never allowed), or a function giving them when first needed. */
    tokenBytes: ReadonlyArray<Uint8Array | undefined> | (() => ReadonlyArray<Uint8Array | undefined>);
    stopIds: Iterable<number>;
    stripsLeadingSpace?: boolean;
  }) {
    this.size = fields.size;
    if (typeof fields.tokenBytes === 'function') this.bytesOf = fields.tokenBytes;
    else this.bytes = fields.tokenBytes;
    this.stopIds = [...fields.stopIds].filter((id) => id >= 0 && id < fields.size);
    this.stripsLeadingSpace = fields.stripsLeadingSpace ?? false;
  }

  /** Decoded bytes per token; undefined for tokens a grammar never allows (control tokens). */
  get tokenBytes(): ReadonlyArray<Uint8Array | undefined> {
    if (this.bytes === undefined) {
      this.bytes = this.bytesOf!();
      this.bytesOf = undefined;
    }
    return this.bytes;
  }

  get trie(): VocabularyTrie {
    this.builtTrie ??= new VocabularyTrie(this.tokenBytes);
    return this.builtTrie;
  }

  /** Whether the bytes and trie are made yet. */
  get prepared(): boolean {
    return this.builtTrie !== undefined;
  }

  /** Makes the bytes and trie now, if not yet. */
  prepare(): void {
    void this.trie;
  }

  /** From a tokenizer: every non-special, non-stop token by its decoded bytes. */
  static fromTokenizer(tokenizer: Tokenizer, size = tokenizer.vocabSize): TokenVocabulary {
    const stop = tokenizer.stopIds;
    const limit = Math.min(size, tokenizer.vocabSize);
    const allowed = (id: number) => !tokenizer.isSpecial(id) && !stop.has(id);
    let spaceToken: number | undefined;
    for (let id = 0; id < limit && spaceToken === undefined; id++) {
      if (!allowed(id)) continue;
      const bytes = tokenizer.tokenBytes(id);
      if (bytes.length > 1 && bytes[0] === 0x20 && bytes[1] !== 0x20) spaceToken = id;
    }
    const decoder =
      spaceToken === undefined ? undefined : tokenizer.createStreamDecoder({ skipSpecial: true });
    const shown = decoder ? decoder.push(spaceToken!) + decoder.flush() : '';
    return new TokenVocabulary({
      size,
      tokenBytes: () =>
        Array.from({ length: limit }, (_, id) => (allowed(id) ? tokenizer.tokenBytes(id) : undefined)),
      stopIds: stop,
      stripsLeadingSpace: spaceToken !== undefined && !shown.startsWith(' '),
    });
  }
}
