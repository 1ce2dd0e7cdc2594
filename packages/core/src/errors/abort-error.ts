import { hasCode, XError } from './x-error.js';

/**
 * The caller's AbortSignal fired. Whatever was produced so far is in `partialText`, and, for a
 * streamed prediction, the output fields' text so far in `partialFields`.
 */
export class AbortError extends XError {
  static readonly code = 'X_ABORTED';
  readonly partialText: string;
  readonly partialFields: Record<string, string>;

  constructor(
    options: { partialText?: string; partialFields?: Record<string, string>; cause?: unknown } = {},
  ) {
    super(AbortError.code, 'the operation was aborted', { cause: options.cause });
    this.name = 'AbortError';
    this.partialText = options.partialText ?? '';
    this.partialFields = options.partialFields ?? {};
  }

  static override isInstance(value: unknown): value is AbortError {
    return hasCode(value, AbortError.code);
  }
}

/** Throws an AbortError when `signal` has fired. */
export function throwIfAborted(signal: AbortSignal | undefined, partialText?: string): void {
  if (signal?.aborted) throw new AbortError({ partialText, cause: signal.reason });
}
