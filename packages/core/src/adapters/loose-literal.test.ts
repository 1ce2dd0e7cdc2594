import { describe, expect, it } from 'vitest';
import { parseLooseLiteral } from './loose-literal.js';

describe('parseLooseLiteral', () => {
  it.each([
    ['{"a": [1, 2.5, -3e2], "b": null}', { a: [1, 2.5, -300], b: null }],
    ["{'a': True, 'b': None, 'c': False}", { a: true, b: null, c: false }],
    ['{a: 1, "b-c": 2,}', { a: 1, 'b-c': 2 }],
    ['[1, 2, 3,]', [1, 2, 3]],
    ["('x', 'y')", ['x', 'y']],
    ['```json\n{"a": 1}\n```', { a: 1 }],
    ['{"a": [1, {"b": "c"', { a: [1, { b: 'c' }] }],
    ['"esc \\n \\u00e9 \\" \\\\"', 'esc \n é " \\'],
    ["'it\\'s'", "it's"],
    ['  42  ', 42],
  ])('reads %j', (text, expected) => {
    expect(parseLooseLiteral(text)).toEqual({ ok: true, value: expected });
  });

  it.each(['', 'Paris', '[1, 2,, 3]', '{"a": }', '{"a" 1}', '42 apples', '"open', '[1] [2]'])(
    'rejects %j',
    (text) => {
      expect(parseLooseLiteral(text).ok).toBe(false);
    },
  );

  it('rejects very deep nesting instead of overflowing the stack', () => {
    expect(parseLooseLiteral('['.repeat(100_000)).ok).toBe(false);
  });
});
