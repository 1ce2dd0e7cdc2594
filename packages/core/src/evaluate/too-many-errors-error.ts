import { hasCode, XError } from '../errors/x-error.js';

/** An evaluation or optimisation met more failing examples than its `maxErrors`; the last failure is the cause. */
export class TooManyErrorsError extends XError {
  static readonly code = 'X_TOO_MANY_ERRORS';
  readonly errors: number;
  readonly maxErrors: number;

  constructor(errors: number, maxErrors: number, options: { cause?: unknown } = {}) {
    super(TooManyErrorsError.code, `${errors} examples failed, more than maxErrors (${maxErrors})`, options);
    this.name = 'TooManyErrorsError';
    this.errors = errors;
    this.maxErrors = maxErrors;
  }

  static override isInstance(value: unknown): value is TooManyErrorsError {
    return hasCode(value, TooManyErrorsError.code);
  }
}
