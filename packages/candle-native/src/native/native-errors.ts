import {
  AbortError,
  ContextLengthError,
  LMError,
  ModelFormatError,
  OutOfMemoryError,
  UnsupportedError,
} from '@x/core';

/** The engine's `xc_code` values (native/include/xcandle.h). */
export const NativeCode = {
  io: 1,
  format: 2,
  unsupported: 3,
  outOfMemory: 4,
  contextFull: 5,
  invalidArgument: 6,
  aborted: 7,
  noDevice: 8,
  internal: 9,
} as const;

/** An Error thrown by the addon for a failed xc_* call. */
export interface NativeFailure extends Error {
  xcCode: number;
  xcCodeName: string;
  offset?: number;
}

export function isNativeFailure(value: unknown): value is NativeFailure {
  return value instanceof Error && typeof (value as Partial<NativeFailure>).xcCode === 'number';
}

/** What the caller knew when the native call failed, so the typed error can carry its numbers. */
export interface NativeErrorContext {
  path?: string;
  contextLength?: number;
  promptTokens?: number;
  signal?: AbortSignal;
}

/**
 * Turns an addon failure into the matching @x/core error (the native Error is its `cause`). Errors
 * that did not come from an xc_* call (TypeError, RangeError from the last-guard checks) pass through.
 */
export function toXError(error: unknown, context: NativeErrorContext = {}): unknown {
  if (!isNativeFailure(error)) return error;
  const message = error.message;
  switch (error.xcCode) {
    case NativeCode.io:
    case NativeCode.format:
      return new ModelFormatError(message, { path: context.path, offset: error.offset, cause: error });
    case NativeCode.unsupported:
      return new UnsupportedError('candle-native', message, { cause: error });
    case NativeCode.noDevice:
      return new UnsupportedError('device', message, { cause: error });
    case NativeCode.contextFull:
      return new ContextLengthError({
        promptTokens: context.promptTokens ?? 0,
        contextLength: context.contextLength ?? 0,
      });
    case NativeCode.aborted:
      return new AbortError({ cause: context.signal?.reason ?? error });
    case NativeCode.invalidArgument:
      return Object.assign(new RangeError(message, { cause: error }), { xcCode: error.xcCode });
    case NativeCode.outOfMemory:
      return new OutOfMemoryError(`candle-native ran out of memory: ${message}`, { cause: error });
    default:
      return new LMError(`candle-native failed: ${message}`, { cause: error });
  }
}
