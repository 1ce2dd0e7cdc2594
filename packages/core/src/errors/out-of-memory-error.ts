import { hasCode, XError } from './x-error.js';

/**
 * KV memory ran out: an engine could not grow a sequence, or one request alone needs more than the
 * scheduler's `kvMemoryBytes` (so giving way to other requests cannot help it).
 */
export class OutOfMemoryError extends XError {
  static readonly code = 'X_OUT_OF_MEMORY';
  /** KV bytes the request needed, when known. */
  readonly neededBytes: number | undefined;
  /** The budget it exceeded, when known. */
  readonly limitBytes: number | undefined;
  /** Text generated before the request had to stop. */
  readonly partialText: string;

  constructor(
    message: string,
    fields: { neededBytes?: number; limitBytes?: number; partialText?: string; cause?: unknown } = {},
  ) {
    super(OutOfMemoryError.code, message, { cause: fields.cause });
    this.name = 'OutOfMemoryError';
    this.neededBytes = fields.neededBytes;
    this.limitBytes = fields.limitBytes;
    this.partialText = fields.partialText ?? '';
  }

  static override isInstance(value: unknown): value is OutOfMemoryError {
    return hasCode(value, OutOfMemoryError.code);
  }
}
