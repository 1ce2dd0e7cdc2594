import { grammar, type OutputConstraint } from '@x/core';

/**
 * A grammar-constrained call that prompt lookup drafts for on stories260K: lowercase words up to a full
 * stop, after a prompt that repeats itself (so the context holds n-grams to draft from).
 */
export const CONSTRAINED_LOOKUP_CASE: { constraint: OutputConstraint; prompt: string } = {
  constraint: {
    name: 'story',
    grammar: grammar.seq(
      grammar.repeat(grammar.oneOf('abcdefghijklmnopqrstuvwxyz ,'), 1, 120),
      grammar.literal('.'),
    ),
  },
  prompt:
    'Once upon a time there was a little girl. Once upon a time there was a little girl. Once upon a time there was',
};
