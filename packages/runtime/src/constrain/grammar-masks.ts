import { GrammarError, type GrammarNode, grammar } from '@x/core';
import { ByteNfa } from './byte-nfa.js';
import { DEAD, LazyDfa } from './lazy-dfa.js';
import type { TokenVocabulary } from './token-vocabulary.js';

/** A token mask: bit `id` of word `id >>> 5` is set when the token is allowed. */
export type TokenMask = Uint32Array;

/**
 * A grammar compiled against one vocabulary: the lazy byte automaton and, per automaton state,
 * the bitset of tokens whose bytes keep the text inside the grammar (stop ids where it may end).
 * Masks are built once per state and cached; a budget-limited mask (tokens that leave a way to
 * finish within `budget` bytes) is cached per state and budget.
 */
export class GrammarMasks {
  readonly vocabulary: TokenVocabulary;
  readonly dfa: LazyDfa;
  private readonly full: Array<TokenMask | undefined> = [];
  private readonly limited = new Map<number, TokenMask>();
  private readonly words: number;
  private stateStack: Int32Array;

  constructor(node: GrammarNode, vocabulary: TokenVocabulary) {
    const root = vocabulary.stripsLeadingSpace
      ? grammar.seq(grammar.optional(grammar.literal(' ')), node)
      : node;
    this.vocabulary = vocabulary;
    this.dfa = new LazyDfa(new ByteNfa(root));
    if (this.dfa.distance(this.dfa.start) === Number.POSITIVE_INFINITY)
      throw new GrammarError('the grammar admits no text');
    this.words = Math.ceil(vocabulary.size / 32);
    this.stateStack = new Int32Array(vocabulary.trie.maxDepth + 1);
  }

  /** The most bytes any state still needs to finish: budgets at or above it never bind. */
  get maxDistance(): number {
    return this.dfa.nfa.maxDistance;
  }

  /** Allowed tokens in `state`; with `budget`, only those after which the text can end within `budget` bytes. */
  mask(state: number, budget?: number): TokenMask {
    if (budget === undefined || budget >= this.maxDistance) {
      let mask = this.full[state];
      if (mask === undefined) {
        mask = this.build(state, Number.POSITIVE_INFINITY);
        this.full[state] = mask;
      }
      return mask;
    }
    const key = state * (this.maxDistance + 1) + budget;
    let mask = this.limited.get(key);
    if (mask === undefined) {
      mask = this.build(state, budget);
      this.limited.set(key, mask);
    }
    return mask;
  }

  /** The state after token `id`'s bytes (stop ids leave it unchanged), or DEAD. */
  advance(state: number, id: number): number {
    const bytes = this.vocabulary.tokenBytes[id];
    if (bytes === undefined)
      return this.vocabulary.stopIds.includes(id) && this.dfa.isAccepting(state) ? state : DEAD;
    return this.dfa.walk(state, bytes);
  }

  private build(state: number, budget: number): TokenMask {
    const mask = new Uint32Array(this.words);
    const { label, depth, skip, tokenStart, tokenIds, nodeCount } = this.vocabulary.trie;
    const dfa = this.dfa;
    const stack = this.stateStack;
    stack[0] = state;
    let i = 0;
    while (i < nodeCount) {
      const next = dfa.next(stack[depth[i]! - 1]!, label[i]!);
      if (next === DEAD) {
        i = skip[i]!;
        continue;
      }
      stack[depth[i]!] = next;
      const end = tokenStart[i + 1]!;
      if (end > tokenStart[i]! && dfa.distance(next) <= budget) {
        for (let t = tokenStart[i]!; t < end; t++) {
          const id = tokenIds[t]!;
          mask[id >>> 5]! |= 1 << (id & 31);
        }
      }
      i++;
    }
    if (dfa.isAccepting(state)) {
      for (const id of this.vocabulary.stopIds) mask[id >>> 5]! |= 1 << (id & 31);
    }
    return mask;
  }
}

export function maskAllows(mask: TokenMask, id: number): boolean {
  return (mask[id >>> 5]! & (1 << (id & 31))) !== 0;
}

export function maskIsEmpty(mask: TokenMask): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) return false;
  return true;
}
