import { hasCode, XError } from './x-error.js';

/** The LM itself failed (HTTP error, engine failure, out of memory): not a parse problem. */
export class LMError extends XError {
  static readonly code = 'X_LM';
  readonly status: number | undefined;
  readonly retryable: boolean;

  constructor(message: string, fields: { status?: number; retryable?: boolean; cause?: unknown } = {}) {
    super(LMError.code, message, { cause: fields.cause });
    this.name = 'LMError';
    this.status = fields.status;
    this.retryable = fields.retryable ?? false;
  }

  static override isInstance(value: unknown): value is LMError {
    return hasCode(value, LMError.code);
  }
}
