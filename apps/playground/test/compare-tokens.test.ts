import { describe, expect, it } from 'vitest';
import { compareTokens, type ReportedToken } from '../scripts/compare-tokens.js';

const tokens = (text: string, logprob = -1): ReportedToken[] =>
  text.split('').map((char) => ({ bytes: [...Buffer.from(char)], logprob }));
const side = (text: string, logprob = -1) => ({ tokens: tokens(text, logprob), text });

describe('compareTokens (the soak checker)', () => {
  it('accepts identical runs and tells a late different draw from a lost or duplicated token', () => {
    expect(compareTokens(side('abcdef'), side('abcdef'))).toEqual({ kind: 'same' });
    expect(compareTokens(side('abcxyz'), side('abcdef'))).toMatchObject({ kind: 'diverged', at: 3 });
    expect(compareTokens(side('abccdef'), side('abcdef')).kind).toBe('lost-or-duplicated');
    expect(compareTokens(side('abdef'), side('abcdef')).kind).toBe('lost-or-duplicated');
    expect(compareTokens(side('abc'), side('abcdef')).kind).toBe('lost-or-duplicated');
  });

  it('flags tokens that do not spell the text, and logprobs that differ beyond noise', () => {
    expect(compareTokens({ tokens: tokens('abc'), text: 'abcc' }, side('abc')).kind).toBe(
      'lost-or-duplicated',
    );
    expect(compareTokens(side('abcxyz', -1), side('abcdef', -1.5))).toMatchObject({
      kind: 'mismatch',
      at: 3,
    });
  });

  it('does not expect control tokens such as <s> in the text', () => {
    const withBos = [...tokens('ab'), { bytes: [...Buffer.from('<s>')], logprob: -2 }, ...tokens('cd')];
    expect(compareTokens({ tokens: withBos, text: 'abcd' }, { tokens: withBos, text: 'abcd' })).toEqual({
      kind: 'same',
    });
    expect(compareTokens({ tokens: withBos, text: 'ab<s>cd' }, { tokens: withBos, text: 'abcd' }).kind).toBe(
      'lost-or-duplicated',
    );
  });
});
