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
  private readonly after = new Map<number, Reach>();
  private afterEntries = 0;
  /** Budgeted masks by state and budget, and (the same objects) by state and the level they admit. */
  private readonly limited = new Map<number, TokenMask>();
  private readonly shared = new Map<number, TokenMask>();
  private readonly nonEmpty = new WeakSet<TokenMask>();
  private readonly words: number;
  private readonly maskCacheEntries: number;
  /** Made at the first mask: they need the vocabulary's trie, which may not be made yet. */
  private scratch: { stack: Int32Array; ids: Int32Array; states: Int32Array } | undefined;

  constructor(node: GrammarNode, vocabulary: TokenVocabulary) {
    const root = vocabulary.stripsLeadingSpace
      ? grammar.seq(grammar.optional(grammar.literal(' ')), node)
      : node;
    this.vocabulary = vocabulary;
    this.dfa = new LazyDfa(new ByteNfa(root));
    if (this.dfa.distance(this.dfa.start) === Number.POSITIVE_INFINITY)
      throw new GrammarError('the grammar admits no text');
    this.words = Math.ceil(vocabulary.size / 32);
    this.maskCacheEntries = Math.max(64, limitedCacheBytes / (this.words * 4));
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
        const { ids, count } = this.walk(state);
        mask = new Uint32Array(this.words);
        for (let i = 0; i < count; i++) mask[ids[i]! >>> 5]! |= 1 << (ids[i]! & 31);
        this.allowStops(state, mask);
        this.full[state] = mask;
      }
      return mask;
    }
    const key = state * (this.maxDistance + 1) + budget;
    let mask = this.limited.get(key);
    if (mask === undefined) {
      mask = this.budgetMask(state, budget);
      if (this.limited.size >= this.maskCacheEntries) this.limited.clear();
      this.limited.set(key, mask);
    }
    return mask;
  }

  /**
   * The budgeted mask, shared by every budget that admits the same tokens: those whose bytes left
   * are at most the largest such count within the limit. Most budgets a state meets admit what an
   * earlier one did: 60 seeded ChatAdapter runs on Llama-2 met 296 (state, budget) pairs and made
   * 67 masks; bench:constrain's warm cost per token fell from ~45 to ~26 µs (Qwen2: ~255 to ~160).
   */
  private budgetMask(state: number, budget: number): TokenMask {
    const reach = this.reachOf(state);
    // A budget too small to finish at all: take the tokens that get closest to the end.
    const limit = this.dfa.isAccepting(state) ? budget : Math.max(budget, reach.least);
    const level = limit >= 0xffff ? 0xffff : largestAtMost(reach.levels, limit);
    const key = state * 0x10001 + level + 1;
    let mask = this.shared.get(key);
    if (mask === undefined) {
      // level 0xffff: a state that cannot end and that no token goes on from; the mask stays empty, so
      // the matcher falls back to the full mask, empty too, and says so with a GrammarError
      mask = new Uint32Array(this.words);
      const { ids, after } = reach;
      for (let i = 0; i < ids.length; i++)
        if (after[i]! <= level) mask[ids[i]! >>> 5]! |= 1 << (ids[i]! & 31);
      this.allowStops(state, mask);
      if (this.shared.size >= this.maskCacheEntries) this.shared.clear();
      this.shared.set(key, mask);
    }
    return mask;
  }

  /**
   * maskIsEmpty for a mask this object made, remembering those that allow a token (its masks never
   * change): a matcher asks at every step, and a scan to the first allowed id reads ~935 of Llama-2's
   * 1000 words when the grammar wants a digit.
   */
  isEmpty(mask: TokenMask): boolean {
    if (this.nonEmpty.has(mask)) return false;
    if (maskIsEmpty(mask)) return true;
    this.nonEmpty.add(mask);
    return false;
  }

  /** The state after token `id`'s bytes (stop ids leave it unchanged), or DEAD. */
  advance(state: number, id: number): number {
    const bytes = this.vocabulary.tokenBytes[id];
    if (bytes === undefined)
      return this.vocabulary.stopIds.includes(id) && this.dfa.isAccepting(state) ? state : DEAD;
    return this.dfa.walk(state, bytes);
  }

  /** The tokens the automaton reads from `state` and the bytes still needed after each, cached per state. */
  private reachOf(state: number): Reach {
    let reach = this.after.get(state);
    if (reach === undefined) {
      const walked = this.walk(state);
      const ids = walked.ids.slice(0, walked.count);
      const after = new Uint16Array(walked.count);
      for (let i = 0; i < walked.count; i++)
        after[i] = Math.min(0xfffe, this.dfa.distance(walked.states[i]!));
      const levels = distinct(after.slice().sort());
      reach = { ids, after, levels, least: levels.length > 0 ? levels[0]! : 0xffff };
      if (this.afterEntries + ids.length > afterCacheBytes / 6) {
        this.after.clear();
        this.afterEntries = 0;
      }
      this.after.set(state, reach);
      this.afterEntries += ids.length;
    }
    return reach;
  }

  private allowStops(state: number, mask: TokenMask): void {
    if (!this.dfa.isAccepting(state)) return;
    for (const id of this.vocabulary.stopIds) mask[id >>> 5]! |= 1 << (id & 31);
  }

  /**
   * Every token whose bytes the automaton reads from `state`, in trie order, with the state after
   * it: ids[0, count) and states[0, count), scratch arrays the next walk overwrites.
   */
  private walk(state: number): { ids: Int32Array; states: Int32Array; count: number } {
    const { label, depth, skip, tokenStart, tokenIds, nodeCount, maxDepth } = this.vocabulary.trie;
    const dfa = this.dfa;
    this.scratch ??= {
      stack: new Int32Array(maxDepth + 1),
      ids: new Int32Array(tokenIds.length),
      states: new Int32Array(tokenIds.length),
    };
    const { stack, ids, states } = this.scratch;
    stack[0] = state;
    let count = 0;
    let i = 0;
    while (i < nodeCount) {
      const next = dfa.next(stack[depth[i]! - 1]!, label[i]!);
      if (next === DEAD) {
        i = skip[i]!;
        continue;
      }
      stack[depth[i]!] = next;
      for (let t = tokenStart[i]!; t < tokenStart[i + 1]!; t++) {
        ids[count] = tokenIds[t]!;
        states[count++] = next;
      }
      i++;
    }
    return { ids, states, count };
  }
}

/** The tokens readable from one state: ids[i] leaves at least after[i] bytes to go (0xfffe: no way to end). */
interface Reach {
  ids: Int32Array;
  after: Uint16Array;
  /** The distinct values of `after`, ascending. */
  levels: Uint16Array;
  /** The least of `after`, 0xffff when no token is readable. */
  least: number;
}

/** The distinct values of an ascending array. */
function distinct(sorted: Uint16Array): Uint16Array {
  let count = 0;
  for (let i = 0; i < sorted.length; i++)
    if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[count++] = sorted[i]!;
  return sorted.slice(0, count);
}

/** The largest of the ascending `levels` at most `limit`, or -1. */
function largestAtMost(levels: Uint16Array, limit: number): number {
  let lo = 0;
  let hi = levels.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (levels[mid]! <= limit) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? -1 : levels[lo - 1]!;
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
