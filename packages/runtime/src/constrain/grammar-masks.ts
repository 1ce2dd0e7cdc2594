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
 * finish within `budget` bytes) comes from a per-state table of the distance left after each token.
 */
export class GrammarMasks {
  readonly vocabulary: TokenVocabulary;
  readonly dfa: LazyDfa;
  private readonly full: Array<TokenMask | undefined> = [];
  private readonly after = new Map<number, Uint16Array>();
  private readonly limited = new Map<number, TokenMask>();
  private readonly words: number;
  /** Made at the first mask: it needs the vocabulary's trie, which may not be made yet. */
  private stateStack: Int32Array | undefined;

  constructor(node: GrammarNode, vocabulary: TokenVocabulary) {
    const root = vocabulary.stripsLeadingSpace
      ? grammar.seq(grammar.optional(grammar.literal(' ')), node)
      : node;
    this.vocabulary = vocabulary;
    this.dfa = new LazyDfa(new ByteNfa(root));
    if (this.dfa.distance(this.dfa.start) === Number.POSITIVE_INFINITY)
      throw new GrammarError('the grammar admits no text');
    this.words = Math.ceil(vocabulary.size / 32);
  }

  /** The most bytes any state still needs to finish: budgets at or above it never bind. */
  get maxDistance(): number {
    return this.dfa.nfa.maxDistance;
  }

  /**
   * Allowed tokens in `state`; with `budget`, only those after which the text can end within
   * `budget` bytes (when none can, those that leave the fewest bytes to go).
   */
  mask(state: number, budget?: number): TokenMask {
    if (budget === undefined || budget >= this.maxDistance) {
      let mask = this.full[state];
      if (mask === undefined) {
        mask = new Uint32Array(this.words);
        this.walk(state, (id) => {
          mask![id >>> 5]! |= 1 << (id & 31);
        });
        this.allowStops(state, mask);
        this.full[state] = mask;
      }
      return mask;
    }
    const key = state * (this.maxDistance + 1) + budget;
    let mask = this.limited.get(key);
    if (mask === undefined) {
      const distances = this.distancesAfter(state);
      // A budget too small to finish at all: take the tokens that get closest to the end.
      let limit = budget;
      if (!this.dfa.isAccepting(state)) {
        let least = 0xffff;
        for (let id = 0; id < distances.length; id++) if (distances[id]! < least) least = distances[id]!;
        limit = Math.max(budget, least);
      }
      mask = new Uint32Array(this.words);
      for (let id = 0; id < distances.length; id++) {
        if (distances[id]! <= limit) mask[id >>> 5]! |= 1 << (id & 31);
      }
      this.allowStops(state, mask);
      if (this.limited.size >= Math.max(64, limitedCacheBytes / (this.words * 4))) this.limited.clear();
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

  /** Per token, the bytes still needed after it (65535 when it is not allowed), cached per state. */
  private distancesAfter(state: number): Uint16Array {
    let distances = this.after.get(state);
    if (distances === undefined) {
      const out = new Uint16Array(this.vocabulary.size).fill(0xffff);
      this.walk(state, (id, next) => {
        out[id] = Math.min(0xfffe, this.dfa.distance(next));
      });
      if (this.after.size >= Math.max(8, afterCacheBytes / (this.vocabulary.size * 2))) this.after.clear();
      this.after.set(state, out);
      distances = out;
    }
    return distances;
  }

  private allowStops(state: number, mask: TokenMask): void {
    if (!this.dfa.isAccepting(state)) return;
    for (const id of this.vocabulary.stopIds) mask[id >>> 5]! |= 1 << (id & 31);
  }

  /** Calls `visit` for every token whose bytes the automaton reads from `state`, with the state after it. */
  private walk(state: number, visit: (id: number, next: number) => void): void {
    const { label, depth, skip, tokenStart, tokenIds, nodeCount } = this.vocabulary.trie;
    const dfa = this.dfa;
    this.stateStack ??= new Int32Array(this.vocabulary.trie.maxDepth + 1);
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
      for (let t = tokenStart[i]!; t < tokenStart[i + 1]!; t++) visit(tokenIds[t]!, next);
      i++;
    }
  }
}

// Bounds on the budget caches (a grammar's full masks are bounded by its state count instead).
const limitedCacheBytes = 16 * 2 ** 20;
const afterCacheBytes = 32 * 2 ** 20;

export function maskAllows(mask: TokenMask, id: number): boolean {
  return (mask[id >>> 5]! & (1 << (id & 31))) !== 0;
}

/** The one token `mask` allows, or undefined when it allows none or several. */
export function soleToken(mask: TokenMask): number | undefined {
  let sole: number | undefined;
  for (let i = 0; i < mask.length; i++) {
    const word = mask[i]!;
    if (word === 0) continue;
    if (sole !== undefined || (word & (word - 1)) !== 0) return undefined;
    sole = i * 32 + (31 - Math.clz32(word));
  }
  return sole;
}

export function maskIsEmpty(mask: TokenMask): boolean {
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) return false;
  return true;
}
