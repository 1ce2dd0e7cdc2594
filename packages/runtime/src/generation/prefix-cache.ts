import type { Engine, SequenceId } from '../engine/engine.js';

interface Entry {
  seq: SequenceId;
  /** Exactly the tokens held in `seq`'s cache. */
  tokens: readonly number[];
}

/**
 * Keeps the KV caches of recently finished sequences so a new prompt that starts the same way
 * forks from them instead of prefilling again. Entries are never appended to (new work always
 * runs in a fork), and the least recently used is released beyond `maxEntries`.
 */
export class PrefixCache {
  private readonly engine: Engine;
  private readonly maxEntries: number;
  private entries: Entry[] = [];

  constructor(engine: Engine, maxEntries: number) {
    this.engine = engine;
    this.maxEntries = maxEntries;
  }

  get size(): number {
    return this.entries.length;
  }

  /** Tokens held by all entries together. */
  get heldTokens(): number {
    return this.entries.reduce((sum, entry) => sum + entry.tokens.length, 0);
  }

  /** Releases the least recently used entry (to make room for a waiting request); false when empty. */
  evictOldest(): boolean {
    const entry = this.entries.shift();
    if (entry === undefined) return false;
    this.engine.release(entry.seq);
    return true;
  }

  /**
   * A sequence holding the longest cached prefix of `tokens` (leaving at least the last token to
   * run, since its logits are needed), and how many tokens it already holds.
   */
  acquire(tokens: readonly number[]): { seq: SequenceId; reused: number } {
    let best: Entry | undefined;
    let bestLength = 0;
    for (const entry of this.entries) {
      const length = commonPrefixLength(entry.tokens, tokens);
      if (length > bestLength) {
        best = entry;
        bestLength = length;
      }
    }
    const reused = Math.min(bestLength, tokens.length - 1);
    if (best === undefined || reused <= 0) return { seq: this.engine.createSequence(), reused: 0 };
    this.entries = [...this.entries.filter((entry) => entry !== best), best];
    const seq = this.engine.fork(best.seq, reused);
    if (this.engine.sequenceLength(seq) > reused) this.engine.truncate(seq, reused);
    return { seq, reused };
  }

  /** Takes ownership of `seq`, whose cache holds exactly `tokens`. */
  store(seq: SequenceId, tokens: readonly number[]): void {
    if (this.maxEntries <= 0 || tokens.length === 0) {
      this.engine.release(seq);
      return;
    }
    // An entry that is a prefix of the new one can serve no prompt the new one cannot.
    const superseded = this.entries.filter(
      (entry) => commonPrefixLength(entry.tokens, tokens) === entry.tokens.length,
    );
    for (const entry of superseded) this.engine.release(entry.seq);
    this.entries = [
      ...this.entries.filter((entry) => !superseded.includes(entry)),
      { seq, tokens: [...tokens] },
    ];
    while (this.entries.length > this.maxEntries) this.engine.release(this.entries.shift()!.seq);
  }

  clear(): void {
    for (const entry of this.entries) this.engine.release(entry.seq);
    this.entries = [];
  }
}

function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}
