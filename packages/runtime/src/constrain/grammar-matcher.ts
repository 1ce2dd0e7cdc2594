import { GrammarError } from '@x/core';
import type { GrammarMasks, TokenMask } from './grammar-masks.js';
import { DEAD } from './lazy-dfa.js';

/**
 * One generation's position in a grammar. Before each token, `mask(tokensLeft)` says which tokens
 * may come next; once few tokens are left, only those that still let the text finish in time (the
 * shortest way out costs at most one token per byte), so a run cut by maxTokens still parses.
 */
export class GrammarMatcher {
  readonly masks: GrammarMasks;
  private state: number;

  constructor(masks: GrammarMasks) {
    this.masks = masks;
    this.state = masks.dfa.start;
  }

  /** True when the text so far is a whole sentence of the grammar. */
  get accepting(): boolean {
    return this.masks.dfa.isAccepting(this.state);
  }

  /** Bytes still needed, at least, to finish. */
  get distance(): number {
    return this.masks.dfa.distance(this.state);
  }

  /**
   * The tokens allowed next, given `tokensLeft` (this one included). Empty only when the text is
   * complete and the model has no stop token to say so.
   */
  mask(tokensLeft = Number.POSITIVE_INFINITY): TokenMask {
    const budget = tokensLeft - 1;
    if (budget < this.masks.maxDistance) {
      const limited = this.masks.mask(this.state, Math.max(0, budget));
      if (!this.masks.isEmpty(limited)) return limited;
    }
    const mask = this.masks.mask(this.state);
    if (this.masks.isEmpty(mask) && !this.accepting)
      throw new GrammarError('no token of the vocabulary continues the grammar here');
    return mask;
  }

  /** Moves past token `id`; throws GrammarError when the grammar does not allow it. */
  advance(id: number): void {
    const next = this.masks.advance(this.state, id);
    if (next === DEAD) throw new GrammarError(`token ${id} does not fit the grammar here`);
    this.state = next;
  }

  /** A matcher at this one's position that moves on its own: a look ahead that commits nothing. */
  fork(): GrammarMatcher {
    const copy = new GrammarMatcher(this.masks);
    copy.state = this.state;
    return copy;
  }

  /** Whether token `id` may come next (ignoring the budget). */
  allows(id: number): boolean {
    return this.masks.advance(this.state, id) !== DEAD;
  }
}
