import type { TextRange } from './partition-special.js';

export interface EncodeOptions {
  /** Add BOS/EOS as the model's metadata asks (default true). */
  addSpecial?: boolean;
  /** Turn special-token text such as `<|im_start|>` into its id (default true). */
  parseSpecial?: boolean;
  /**
   * Ranges of `text` (UTF-16 offsets, end exclusive) that stay text even with parseSpecial on: a
   * control token's text overlapping one is encoded as plain text there. LocalLM marks the message
   * contents of a rendered chat template this way, so only the template's markup becomes control ids.
   */
  literalRanges?: readonly TextRange[];
}

export interface DecodeOptions {
  /** Leave control tokens (BOS, EOS, `<|im_end|>`…) out of the text (default false). */
  skipSpecial?: boolean;
}

/** Turns token ids into text incrementally, never emitting half a UTF-8 character. */
export interface StreamDecoder {
  /** Text that became complete with this token (may be ''). */
  push(id: number): string;
  /** Whatever is still buffered (invalid bytes become U+FFFD). */
  flush(): string;
}

export interface Tokenizer {
  /** 'spm' (SentencePiece, GGUF `llama`), 'bpe' (byte-level, GGUF `gpt2`), … */
  readonly kind: string;
  readonly vocabSize: number;
  readonly bosId: number | undefined;
  readonly eosId: number | undefined;
  /** Ids that end generation: EOS, EOT, `<|im_end|>`, `<|eot_id|>`… */
  readonly stopIds: ReadonlySet<number>;
  encode(text: string, options?: EncodeOptions): number[];
  decode(ids: ArrayLike<number>, options?: DecodeOptions): string;
  /** The raw bytes a token stands for (byte-fallback and byte-level tokens resolved). */
  tokenBytes(id: number): Uint8Array;
  isSpecial(id: number): boolean;
  /** The token's text as stored in the vocabulary. */
  tokenText(id: number): string;
  createStreamDecoder(options?: DecodeOptions): StreamDecoder;
}
