import { describe, expect, it } from 'vitest';
import { partitionSpecial } from './partition-special.js';
import type { SpecialToken } from './vocab.js';

const token = (id: number, text: string, extra: Partial<SpecialToken> = {}): SpecialToken => ({
  id,
  text,
  control: true,
  lstrip: false,
  rstrip: false,
  ...extra,
});

describe('partitionSpecial', () => {
  const specials = [
    token(1, '<|im_start|>'),
    token(2, '<|im_end|>'),
    token(3, '<s>'),
    token(4, 'ab', { control: false }),
  ];

  it('cuts special tokens out of text, longest first', () => {
    expect(partitionSpecial('<|im_start|>user\nhi<|im_end|><s>', specials, true)).toEqual([
      1,
      'user\nhi',
      2,
      3,
    ]);
  });

  it('leaves control tokens as text without parseSpecial but still cuts user-defined ones', () => {
    expect(partitionSpecial('x<s>abab', specials, false)).toEqual(['x<s>', 4, 4]);
  });

  it('strips whitespace beside tokens that ask for it', () => {
    const strip = [token(9, '<|end|>', { rstrip: true, lstrip: true })];
    expect(partitionSpecial('a  <|end|>\n b', strip, true)).toEqual(['a', 9, 'b']);
    expect(partitionSpecial('<|end|>   ', strip, true)).toEqual([9]);
  });

  it('returns nothing for empty text', () => {
    expect(partitionSpecial('', specials, true)).toEqual([]);
  });
});
