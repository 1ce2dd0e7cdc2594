import { hasCode, XError } from './x-error.js';

/** A valid model uses an architecture, tensor type or feature this backend does not implement. */
export class UnsupportedError extends XError {
  static readonly code = 'X_UNSUPPORTED';
  readonly feature: string;

  constructor(feature: string, message: string, options: { cause?: unknown } = {}) {
    super(UnsupportedError.code, message, options);
    this.name = 'UnsupportedError';
    this.feature = feature;
  }

  static override isInstance(value: unknown): value is UnsupportedError {
    return hasCode(value, UnsupportedError.code);
  }
}
