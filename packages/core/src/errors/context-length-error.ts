import { hasCode, XError } from './x-error.js';

/** The prompt (plus the tokens asked for) does not fit the model's context. Raised before any work. */
export class ContextLengthError extends XError {
  static readonly code = 'X_CONTEXT_LENGTH';
  readonly promptTokens: number;
  readonly contextLength: number;
  readonly maxTokens: number;

  constructor(fields: { promptTokens: number; contextLength: number; maxTokens?: number }) {
    const maxTokens = fields.maxTokens ?? 0;
    super(
      ContextLengthError.code,
      `prompt has ${fields.promptTokens} tokens` +
        (maxTokens > 0 ? ` and ${maxTokens} more were requested` : '') +
        `, but the context holds ${fields.contextLength}`,
    );
    this.name = 'ContextLengthError';
    this.promptTokens = fields.promptTokens;
    this.contextLength = fields.contextLength;
    this.maxTokens = maxTokens;
  }

  static override isInstance(value: unknown): value is ContextLengthError {
    return hasCode(value, ContextLengthError.code);
  }
}
