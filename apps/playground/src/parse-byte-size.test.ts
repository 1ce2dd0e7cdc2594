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
  });
});
