import { describe, expect, it } from 'vitest';
import { ContextLengthError } from '../errors/context-length-error.js';
import { assertFitsContext } from './assert-fits-context.js';

describe('assertFitsContext', () => {
  it('accepts a prompt that leaves room and rejects one that does not', () => {
    expect(() => assertFitsContext({ promptTokens: 99, contextLength: 100 })).not.toThrow();
    expect(() => assertFitsContext({ promptTokens: 100, contextLength: 100 })).toThrowError(
      ContextLengthError,
    );
    expect(() => assertFitsContext({ promptTokens: 90, contextLength: 100, maxTokens: 10 })).not.toThrow();
    try {
      assertFitsContext({ promptTokens: 90, contextLength: 100, maxTokens: 11 });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ContextLengthError);
      expect((error as ContextLengthError).maxTokens).toBe(11);
      expect((error as ContextLengthError).promptTokens).toBe(90);
    }
  });
});
