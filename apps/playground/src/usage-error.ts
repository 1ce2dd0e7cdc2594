import { XError } from '@x/core';

/** A command line that cannot run: an unknown command or backend, a bad option value. */
export class UsageError extends XError {
  static readonly code = 'X_USAGE';

  constructor(message: string) {
    super(UsageError.code, message);
    this.name = 'UsageError';
  }

  static override isInstance(value: unknown): value is UsageError {
    return XError.isInstance(value) && value.code === UsageError.code;
  }
}
