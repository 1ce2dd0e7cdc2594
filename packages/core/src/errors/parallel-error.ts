import { hasCode, XError } from './x-error.js';

/** More calls of a Parallel run failed than `maxErrors` allows; `cause` is the failure that tipped it. */
export class ParallelError extends XError {
  static readonly code = 'X_PARALLEL_MAX_ERRORS';
  readonly failures: number;
  readonly maxErrors: number;

  constructor(fields: { failures: number; maxErrors: number; cause: unknown }) {
    super(
      ParallelError.code,
      `${fields.failures} calls failed, more than maxErrors (${fields.maxErrors}) allows`,
      { cause: fields.cause },
    );
    this.name = 'ParallelError';
    this.failures = fields.failures;
    this.maxErrors = fields.maxErrors;
  }

  static override isInstance(value: unknown): value is ParallelError {
    return hasCode(value, ParallelError.code);
  }
}
