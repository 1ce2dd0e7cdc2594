import { describe, expect, it } from 'vitest';
import { idealPrefillTokens } from './ideal-prefill.ts';

describe('idealPrefillTokens', () => {
  it('counts each prompt past its longest prefix shared with an earlier one', () => {
    // [1 2 3 4]: all 4; [1 2 3 9]: shares 3; [1 2 7]: shares 2 (with either); [5]: all 1
    expect(idealPrefillTokens([[1, 2, 3, 4], [1, 2, 3, 9], [1, 2, 7], [5]])).toBe(4 + 1 + 1 + 1);
  });

  it('still computes the last token of a prompt seen before', () => {
    expect(
      idealPrefillTokens([
        [1, 2, 3],
        [1, 2, 3],
        [1, 2],
      ]),
    ).toBe(3 + 1 + 1);
  });

  it('shares nothing across prompts that start differently', () => {
    expect(
      idealPrefillTokens([
        [1, 2, 3],
        [2, 2, 3],
      ]),
    ).toBe(6);
  });
});
