import { describe, expect, it } from 'vitest';
import { parseByteSize } from './parse-byte-size.js';

describe('parseByteSize', () => {
  it('reads plain bytes and binary and decimal units', () => {
    expect(parseByteSize('1024', 'x')).toBe(1024);
    expect(parseByteSize('1MiB', 'x')).toBe(2 ** 20);
    expect(parseByteSize('1.5 GB', 'x')).toBe(1.5e9);
  });

  it('names the option when the text is not a size', () => {
    expect(() => parseByteSize('lots', 'memory-budget')).toThrow(/--memory-budget/);
    expect(() => parseByteSize('-1', 'x')).toThrow();
    expect(() => parseByteSize('1e9', 'x')).toThrow(/must be a size/);
  });

  it('refuses sizes past MAX_SAFE_INTEGER and under the minimum, with a UsageError', () => {
    expect(() => parseByteSize('9'.repeat(400), 'kv-memory')).toThrow(/--kv-memory must be at most/);
    expect(() => parseByteSize('9000000PiB', 'x')).toThrow(/must be a size/);
    expect(() => parseByteSize('10000000GiB', 'x')).toThrow(/must be at most/);
    expect(() => parseByteSize('0', 'kv-memory', { min: 1 })).toThrow(
      expect.objectContaining({ code: 'X_USAGE', message: expect.stringMatching(/at least 1 bytes/) }),
    );
    expect(parseByteSize('0', 'x')).toBe(0);
    expect(parseByteSize('1', 'x', { min: 1 })).toBe(1);
  });
});
