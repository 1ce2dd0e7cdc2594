const marker = Symbol.for('x.error');

export interface XErrorOptions {
  cause?: unknown;
}

/** Base of every error x throws. `code` is stable across versions; match on it, not on messages. */
export class XError extends Error {
  readonly code: string;
  readonly [marker] = true;

  constructor(code: string, message: string, options: XErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'XError';
    this.code = code;
  }

  /** True for any x error, even one thrown by a second copy of this package. */
  static isInstance(value: unknown): value is XError {
    return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[marker] === true;
  }
}

export function hasCode<T extends XError>(value: unknown, code: string): value is T {
  return XError.isInstance(value) && value.code === code;
}
