import {
  AbortError,
  ContextLengthError,
  LMError,
  ModelFormatError,
  OutOfMemoryError,
  UnsupportedError,
} from '@x/core';
import { describe, expect, it } from 'vitest';
import { NativeCode, toXError } from './native-errors.js';

function failure(xcCode: number, message: string, offset?: number): Error {
  return Object.assign(new Error(message), { xcCode, xcCodeName: 'test', offset });
}

describe('toXError', () => {
  it('maps format and io failures to ModelFormatError with path and offset', () => {
    const error = toXError(failure(NativeCode.format, 'tensor data past the end', 4096), { path: '/m.gguf' });
    expect(error).toBeInstanceOf(ModelFormatError);
    expect(error).toMatchObject({ path: '/m.gguf', offset: 4096 });
    expect((error as Error).message).toContain('tensor data past the end');
    expect(toXError(failure(NativeCode.io, 'cannot open'))).toBeInstanceOf(ModelFormatError);
  });

  it('maps the remaining codes to their classes', () => {
    expect(toXError(failure(NativeCode.unsupported, 'arch'))).toBeInstanceOf(UnsupportedError);
    expect(toXError(failure(NativeCode.noDevice, 'cuda'))).toBeInstanceOf(UnsupportedError);
    expect(toXError(failure(NativeCode.aborted, 'stop'))).toBeInstanceOf(AbortError);
    expect(toXError(failure(NativeCode.outOfMemory, 'kv'))).toBeInstanceOf(OutOfMemoryError);
    expect(toXError(failure(NativeCode.internal, 'bug'))).toBeInstanceOf(LMError);
    expect(toXError(failure(NativeCode.invalidArgument, 'seq'))).toBeInstanceOf(RangeError);
    const full = toXError(failure(NativeCode.contextFull, 'full'), { promptTokens: 9, contextLength: 8 });
    expect(full).toBeInstanceOf(ContextLengthError);
    expect(full).toMatchObject({ promptTokens: 9, contextLength: 8 });
  });

  it('passes errors that are not native failures through', () => {
    const error = new TypeError('tokens must be an Int32Array');
    expect(toXError(error)).toBe(error);
  });
});
