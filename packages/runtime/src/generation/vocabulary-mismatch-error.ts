import { XError } from '@x/core';

/** A draft model whose tokens do not mean what the target model's tokens mean. */
export class VocabularyMismatchError extends XError {
  static readonly code = 'X_VOCABULARY_MISMATCH';
  readonly expected: string;
  readonly got: string;
  /** The first token id whose text differs, when both tokenizers were compared. */
  readonly tokenId: number | undefined;

  constructor(message: string, fields: { expected: string; got: string; tokenId?: number }) {
    super(VocabularyMismatchError.code, `${message} (expected ${fields.expected}, got ${fields.got})`);
    this.name = 'VocabularyMismatchError';
    this.expected = fields.expected;
    this.got = fields.got;
    this.tokenId = fields.tokenId;
  }

  static override isInstance(value: unknown): value is VocabularyMismatchError {
    return XError.isInstance(value) && value.code === VocabularyMismatchError.code;
  }
}
