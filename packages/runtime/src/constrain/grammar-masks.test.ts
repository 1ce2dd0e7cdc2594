import {
  ChatAdapter,
  GrammarError,
  type GrammarNode,
  grammar,
  JSONAdapter,
  jsonSchemaGrammar,
  Signature,
  t,
} from '@x/core';
import { describe, expect, it } from 'vitest';
import { ByteNfa } from './byte-nfa.js';
import { GrammarMasks, maskAllows } from './grammar-masks.js';
import { GrammarMatcher } from './grammar-matcher.js';
import { DEAD, LazyDfa } from './lazy-dfa.js';
import { TokenVocabulary } from './token-vocabulary.js';

const { alt, literal, noneOf, oneOf, repeat, seq } = grammar;
const encoder = new TextEncoder();

function vocabulary(pieces: Array<string | number[]>, stopIds: number[] = []): TokenVocabulary {
  return new TokenVocabulary({
    size: pieces.length,
    tokenBytes: pieces.map((piece, id) =>
      stopIds.includes(id)
        ? undefined
        : typeof piece === 'string'
          ? encoder.encode(piece)
          : Uint8Array.from(piece),
    ),
    stopIds,
  });
}

function allowed(masks: GrammarMasks, matcher: GrammarMatcher, tokensLeft?: number): number[] {
  const mask = matcher.mask(tokensLeft);
  return Array.from({ length: masks.vocabulary.size }, (_, id) => id).filter((id) => maskAllows(mask, id));
}

export function accepts(node: GrammarNode, text: string): boolean {
  const dfa = new LazyDfa(new ByteNfa(node));
  const state = dfa.walk(dfa.start, encoder.encode(text));
  return state !== DEAD && dfa.isAccepting(state);
}

describe('ByteNfa / LazyDfa', () => {
  it('accepts exactly the texts of literals, classes, alternatives and bounded repeats', () => {
    const node = seq(literal('['), repeat(oneOf('0123456789'), 1, 3, literal(',')), literal(']'));
    expect(accepts(node, '[1]')).toBe(true);
    expect(accepts(node, '[1,2,3]')).toBe(true);
    expect(accepts(node, '[1,2,3,4]')).toBe(false);
    expect(accepts(node, '[]')).toBe(false);
    expect(accepts(node, '[1,]')).toBe(false);
    const unbounded = repeat(alt(literal('ab'), literal('c')), 0, undefined, literal(' '));
    expect(accepts(unbounded, '')).toBe(true);
    expect(accepts(unbounded, 'ab c ab')).toBe(true);
    expect(accepts(unbounded, 'abc')).toBe(false);
  });

  it('keeps a loop from letting earlier elements repeat', () => {
    const node = seq(repeat(literal('a'), 0), repeat(literal('b'), 0));
    expect(accepts(node, 'aabb')).toBe(true);
    expect(accepts(node, 'aba')).toBe(false);
  });

  it('reads any non-ASCII character through a negated class, byte by byte', () => {
    const node = repeat(noneOf('"'), 0);
    expect(accepts(node, 'héllo 🦙')).toBe(true);
    expect(accepts(node, 'a"b')).toBe(false);
    expect(() => new ByteNfa(noneOf('é'))).toThrowError(GrammarError);
  });

  it('measures the shortest way out of every state', () => {
    const dfa = new LazyDfa(new ByteNfa(seq(literal('{"a": '), repeat(oneOf('x'), 0), literal('}'))));
    expect(dfa.distance(dfa.start)).toBe(7);
    const inside = dfa.walk(dfa.start, encoder.encode('{"a": xx'));
    expect(dfa.distance(inside)).toBe(1);
  });
});

describe('adapter grammars', () => {
  it('skip schema keywords they cannot enforce, where a response_format schema refuses them', () => {
    const signature = Signature.from({
      inputs: { q: {} },
      outputs: {
        item: {
          type: t.object({
            type: 'object',
            properties: { n: { type: 'integer', minimum: 1 } },
            required: ['n'],
          }),
        },
      },
    });
    const chat = new ChatAdapter().outputConstraint(signature).grammar;
    expect(accepts(chat, '[[ ## item ## ]]\n{"n": 3}\n\n[[ ## completed ## ]]\n')).toBe(true);
    expect(accepts(new JSONAdapter().outputConstraint(signature).grammar, '{"item": {"n": 3}}')).toBe(true);
    expect(() => jsonSchemaGrammar({ type: 'integer', minimum: 1 })).toThrowError(GrammarError);
  });
});

describe('GrammarMasks', () => {
  it('allows tokens spanning several grammar elements and stop ids only where the text may end', () => {
    const vocab = vocabulary(['<eos>', '[', '[[', ' ## a ## ]]', ']]\n4', '4', '42', 'x', ']]'], [0]);
    const masks = new GrammarMasks(
      seq(literal('[[ ## a ## ]]'), repeat(oneOf('\n '), 0, 2), repeat(oneOf('0123456789'), 1, 3)),
      vocab,
    );
    const matcher = new GrammarMatcher(masks);
    expect(allowed(masks, matcher)).toEqual([1, 2]);
    matcher.advance(2);
    expect(allowed(masks, matcher)).toEqual([3]);
    matcher.advance(3);
    expect(allowed(masks, matcher)).toEqual([5, 6]);
    matcher.advance(6);
    expect(matcher.accepting).toBe(true);
    expect(allowed(masks, matcher)).toEqual([0, 5]);
    expect(() => matcher.advance(7)).toThrowError(GrammarError);
  });

  it('says with a GrammarError, under a token budget too, when no token of the vocabulary goes on', () => {
    const vocab = vocabulary(['a', 'c']);
    const masks = new GrammarMasks(literal('ab'), vocab);
    const matcher = new GrammarMatcher(masks);
    matcher.advance(0);
    expect(() => matcher.mask()).toThrowError(/no token of the vocabulary continues/);
    expect(() => matcher.mask(1)).toThrowError(/no token of the vocabulary continues/);
  });

  it('lets byte-level tokens end inside a UTF-8 character and checks what follows', () => {
    const e9 = [...encoder.encode('é')];
    const vocab = vocabulary(['"', 'é', [e9[0]!], [e9[1]!], 'a', '"a']);
    const masks = new GrammarMasks(seq(literal('"'), repeat(noneOf('"'), 0), literal('"')), vocab);
    const matcher = new GrammarMatcher(masks);
    expect(allowed(masks, matcher)).toEqual([0, 5]);
    matcher.advance(0);
    expect(allowed(masks, matcher)).toEqual([0, 1, 2, 4]);
    matcher.advance(2);
    // Half a character: only its continuation byte may follow.
    expect(allowed(masks, matcher)).toEqual([3]);
  });

  it('closes the open value by the shortest path as the budget runs out', () => {
    const vocab = vocabulary(['<eos>', '{', '}', '"', 'a', 'aaaa', '"}', ':'], [0]);
    const node = seq(
      literal('{"'),
      repeat(oneOf('a'), 0),
      literal('":'),
      alt(literal('"a"'), literal('{}')),
      literal('}'),
    );
    const masks = new GrammarMasks(node, vocab);
    const matcher = new GrammarMatcher(masks);
    for (const id of [1, 3, 5]) matcher.advance(id);
    expect(matcher.distance).toBe(5);
    // Five tokens left: only a token after which four bytes can still finish the text.
    expect(allowed(masks, matcher, 5)).toEqual([3]);
    expect(allowed(masks, matcher, 6)).toEqual([3, 4, 5]);
    expect(allowed(masks, matcher, 100)).toEqual([3, 4, 5]);
  });

  it('caches one mask per automaton state', () => {
    const vocab = vocabulary(['a', 'b', 'ab']);
    const masks = new GrammarMasks(repeat(alt(literal('a'), literal('b')), 0), vocab);
    const matcher = new GrammarMatcher(masks);
    matcher.advance(0);
    const first = matcher.mask();
    matcher.advance(2);
    expect(matcher.mask()).toBe(first);
    expect(masks.dfa.stateCount).toBe(2);
  });

  it('strips one leading space like a SentencePiece decoder', () => {
    const vocab = new TokenVocabulary({
      size: 2,
      tokenBytes: [encoder.encode(' {'), encoder.encode('}')],
      stopIds: [],
      stripsLeadingSpace: true,
    });
    const masks = new GrammarMasks(jsonSchemaGrammar({ type: 'object' }), vocab);
    const matcher = new GrammarMatcher(masks);
    expect(allowed(masks, matcher)).toEqual([0]);
  });
});
