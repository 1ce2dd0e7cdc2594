import { describe, expect, it } from 'vitest';
import { pythonJsonDumps, pythonNumber, pythonStr } from './python-json.js';
import { pythonDedent, pythonSplitLines, pythonStrip } from './python-text.js';

describe('Python json.dumps and str()', () => {
  it('uses Python separators, with and without indent', () => {
    expect(pythonJsonDumps({ a: [1, 2], b: { c: null } })).toBe('{"a": [1, 2], "b": {"c": null}}');
    expect(pythonJsonDumps({ a: [1, { b: true }], e: [], o: {} }, { indent: 2 })).toBe(
      '{\n  "a": [\n    1,\n    {\n      "b": true\n    }\n  ],\n  "e": [],\n  "o": {}\n}',
    );
  });

  it('escapes like Python, with and without ensure_ascii', () => {
    const text = 'é 😀 "q" \\ \n\t\x01\x7f';
    expect(pythonJsonDumps(text)).toBe('"\\u00e9 \\ud83d\\ude00 \\"q\\" \\\\ \\n\\t\\u0001\\u007f"');
    expect(pythonJsonDumps(text, { ensureAscii: false })).toBe('"é 😀 \\"q\\" \\\\ \\n\\t\\u0001\x7f"');
  });

  it('prints numbers as Python ints and float reprs', () => {
    expect([42, -3, 0.1, 1e-5, 1.5e-7, 1.5e16, 123456.789, 1e22].map(pythonNumber)).toEqual([
      '42',
      '-3',
      '0.1',
      '1e-05',
      '1.5e-07',
      '15000000000000000',
      '123456.789',
      '1e+22',
    ]);
    expect(pythonJsonDumps([Number.NaN, Number.POSITIVE_INFINITY])).toBe('[NaN, Infinity]');
  });

  it('gives str() of scalars', () => {
    expect([true, false, null, undefined, 'text', 2.5].map(pythonStr)).toEqual([
      'True',
      'False',
      'None',
      'None',
      'text',
      '2.5',
    ]);
  });

  it('strips, splits lines and dedents like Python', () => {
    expect(pythonStrip('\x1c\u3000 hi \x85')).toBe('hi');
    expect(pythonStrip('\ufeffhi')).toBe('\ufeffhi');
    expect(pythonSplitLines('a\r\nb\n')).toEqual(['a', 'b']);
    expect(pythonSplitLines('')).toEqual([]);
    expect(pythonDedent('    a\n      b\n   \n    c')).toBe('a\n  b\n\nc');
  });
});
