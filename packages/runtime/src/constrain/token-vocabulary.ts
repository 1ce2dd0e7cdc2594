import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { VocabularyTrie } from './vocabulary-trie.js';

/** What a grammar needs to know about a model's tokens. */
export class TokenVocabulary {
  /** Length of a logits row (may exceed the tokenizer's vocabulary: padded embeddings). */
  readonly size: number;
  readonly trie: VocabularyTrie;
  readonly stopIds: readonly number[];
  /** Decoded bytes per token; undefined for tokens a grammar never allows (control tokens). */
  readonly tokenBytes: ReadonlyArray<Uint8Array | undefined>;
  /** The stream decoder drops one leading space from the first token (SentencePiece's ▁ prefix). */
  readonly stripsLeadingSpace: boolean;

  constructor(fields: {
    size: number;
    tokenBytes: ReadonlyArray<Uint8Array | undefined>;
    stopIds: Iterable<number>;
    stripsLeadingSpace?: boolean;
  }) {
    this.size = fields.size;
    this.tokenBytes = fields.tokenBytes;
    this.stopIds = [...fields.stopIds].filter((id) => id >= 0 && id < fields.size);
    this.stripsLeadingSpace = fields.stripsLeadingSpace ?? false;
    this.trie = new VocabularyTrie(fields.tokenBytes);
  }

  /** From a tokenizer: every non-special, non-stop token by its decoded bytes. */
  static fromTokenizer(tokenizer: Tokenizer, size = tokenizer.vocabSize): TokenVocabulary {
    const stop = tokenizer.stopIds;
    const tokenBytes: Array<Uint8Array | undefined> = [];
    let spaceToken: number | undefined;
    for (let id = 0; id < Math.min(size, tokenizer.vocabSize); id++) {
      if (tokenizer.isSpecial(id) || stop.has(id)) {
        tokenBytes.push(undefined);
        continue;
      }
      const bytes = tokenizer.tokenBytes(id);
      tokenBytes.push(bytes);
      if (spaceToken === undefined && bytes.length > 1 && bytes[0] === 0x20 && bytes[1] !== 0x20)
        spaceToken = id;
    }
    const decoder =
      spaceToken === undefined ? undefined : tokenizer.createStreamDecoder({ skipSpecial: true });
    const shown = decoder ? decoder.push(spaceToken!) + decoder.flush() : '';
    return new TokenVocabulary({
      size,
      tokenBytes,
      stopIds: stop,
      stripsLeadingSpace: spaceToken !== undefined && !shown.startsWith(' '),
    });
  }
}
