import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionSpecial } from './partition-special.js';
import { SpecialTrie } from './special-trie.js';
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

  it('keeps control-token text inside literal ranges as text, and still cuts non-control ones', () => {
    const text = '<|im_start|>user\nab<|im_end|>x<|im_end|>';
    // the range covers 'ab<|im_end|>x' (offsets 17..30)
    expect(partitionSpecial(text, specials, true, undefined, [{ start: 17, end: 30 }])).toEqual([
      1,
      'user\n',
      4,
      '<|im_end|>x',
      2,
    ]);
    // a token straddling the range's edge stays text too
    expect(partitionSpecial('<|im_end|>', specials, true, undefined, [{ start: 9, end: 10 }])).toEqual([
      '<|im_end|>',
    ]);
  });

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

  it('gives the same fragments with the one-pass trie prefilter', () => {
    const pool = ['<a>', '<ab>', 'b>', '<|x|>', 'zz', '<'];
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...pool), { minLength: 1 }),
        fc.array(fc.constantFrom('<', 'a', 'b', '>', '|', 'x', 'z', ' '), { maxLength: 30 }),
        fc.boolean(),
        (texts, chars, parseSpecial) => {
          const list = texts
            .map((text, id) => token(id, text, { control: id % 2 === 0, rstrip: id === 1 }))
            .sort((a, b) => b.text.length - a.text.length || a.id - b.id);
          const text = chars.join('');
          expect(partitionSpecial(text, list, parseSpecial, new SpecialTrie(list))).toEqual(
            partitionSpecial(text, list, parseSpecial),
          );
        },
      ),
      { numRuns: 300 },
    );
  });
});
