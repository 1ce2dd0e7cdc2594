import type { Engine, SequenceId } from '../engine/engine.js';

/** KV bytes the prefix cache may hold when the options name no budget. */
export const DEFAULT_PREFIX_CACHE_BYTES = 512 * 1024 * 1024;

export interface PrefixCacheOptions {
  /** Engine sequences the cache may hold (0 turns it off). */
  maxEntries: number;
  /** KV bytes the cached sequences may hold (needs the engine's kvBytesPerToken). */
  maxBytes?: number;
}

/**
 * One radix-tree node: `tokens` is the edge from the parent. Only leaves hold an engine sequence
 * (caching exactly the path from the root); an inner node's KV is reached by forking from any
 * leaf below it, so a shared prefix costs one copy however many entries extend it.
 */
interface Node {
  tokens: number[];
  parent: Node | undefined;
  children: Map<number, Node>;
  seq: SequenceId | undefined;
  /** Path length from the root. */
  depth: number;
  lastUsed: number;
}

/**
 * Remembers the KV caches of finished sequences in a radix tree over token ids, so a new prompt
 * that starts like any of them forks from the longest match instead of prefilling again. Cached
 * sequences are never appended to (new work always runs in a fork), so a hit always holds exactly
 * the tokens the tree says. Past `maxEntries` sequences or `maxBytes` the least recently used leaf
 * goes: trimmed back to its parent's prefix when that keeps a shared prefix alive, else released.
 */
export class PrefixCache {
  private readonly engine: Engine;
  private readonly maxEntries: number;
  private readonly maxBytes: number;
  private readonly root: Node = newNode([], undefined);
  private clock = 0;
  private leaves = new Set<Node>();

  constructor(engine: Engine, options: PrefixCacheOptions | number) {
    this.engine = engine;
    const resolved = typeof options === 'number' ? { maxEntries: options } : options;
    this.maxEntries = Math.max(0, resolved.maxEntries);
    this.maxBytes = resolved.maxBytes ?? DEFAULT_PREFIX_CACHE_BYTES;
  }

  /** Engine sequences held. */
  get size(): number {
    return this.leaves.size;
  }

  /** Tokens held by all cached sequences together. */
  get heldTokens(): number {
    let sum = 0;
    for (const leaf of this.leaves) sum += leaf.depth;
    return sum;
  }

  /**
   * Releases the least recently used sequence (to make room for a waiting request); false when empty.
   * The entries that `upcoming` prompts would fork at least `minTokens` from (`acquire`'s choice for
   * each) go last: calls made again together need a slot each while their entries are the oldest in
   * the cache, and least recently used alone would release exactly those.
   */
  evictOldest(upcoming: Iterable<readonly number[]> = [], minTokens = 1): boolean {
    const wanted = new Set<Node>();
    for (const tokens of upcoming) {
      const leaf = this.leafFor(tokens, minTokens);
      if (leaf !== undefined) wanted.add(leaf);
    }
    const leaf = this.oldestLeaf(wanted) ?? this.oldestLeaf();
    if (leaf === undefined) return false;
    this.dropLeaf(leaf);
    return true;
  }

  /** Tokens of the longest cached prefix of `tokens` (0 when none). */
  match(tokens: readonly number[]): number {
    return this.walk(tokens).length;
  }

  /**
   * A sequence holding the longest cached prefix of `tokens` (leaving at least the last token to
   * run, since its logits are needed), and how many tokens it already holds.
   */
  acquire(tokens: readonly number[]): { seq: SequenceId; reused: number } {
    const { node, length } = this.walk(tokens);
    const reused = Math.min(length, tokens.length - 1);
    const source = node === undefined ? undefined : this.freshestLeafUnder(node);
    if (source === undefined || reused <= 0) return { seq: this.engine.createSequence(), reused: 0 };
    this.touch(source);
    return { seq: forkPrefix(this.engine, source.seq!, reused), reused };
  }

  /**
   * Hands over the sequence behind the longest cached prefix of `tokens` (cut to that prefix, as
   * `acquire` would fork it) and forgets it: for a request that needs a slot when none is free, so
   * the entry it would fork serves it instead of being evicted. Undefined when nothing matches.
   */
  take(tokens: readonly number[]): { seq: SequenceId; reused: number } | undefined {
    const { node, length } = this.walk(tokens);
    const reused = Math.min(length, tokens.length - 1);
    const leaf = node === undefined ? undefined : this.freshestLeafUnder(node);
    if (leaf === undefined || reused <= 0) return undefined;
    const seq = leaf.seq!;
    this.detach(leaf);
    if (this.engine.sequenceLength(seq) > reused) this.engine.truncate(seq, reused);
    return { seq, reused };
  }

  /** Takes ownership of `seq`, whose cache holds exactly `tokens`. */
  store(seq: SequenceId, tokens: readonly number[]): void {
    if (this.maxEntries <= 0 || tokens.length === 0) {
      this.engine.release(seq);
      return;
    }
    let node = this.root;
    let i = 0;
    while (i < tokens.length) {
      const child = node.children.get(tokens[i]!);
      if (child === undefined) break;
      const common = commonPrefixLength(child.tokens, tokens, i);
      if (common < child.tokens.length) {
        if (i + common === tokens.length) {
          // Already held by a longer entry.
          this.touch(this.freshestLeafUnder(child)!);
          this.engine.release(seq);
          return;
        }
        node = this.split(child, common);
      } else node = child;
      i += common;
    }
    if (i === tokens.length) {
      // Ends on an existing node: a leaf gets the newer copy, an inner node is covered already.
      if (node.children.size > 0 || node === this.root) this.engine.release(seq);
      else {
        this.engine.release(node.seq!);
        node.seq = seq;
        this.touch(node);
      }
      return;
    }
    if (node.seq !== undefined) {
      // The leaf becomes an inner node: the new, longer entry serves every prompt it served.
      this.engine.release(node.seq);
      node.seq = undefined;
      this.leaves.delete(node);
    }
    const leaf = newNode(tokens.slice(i), node);
    node.children.set(tokens[i]!, leaf);
    leaf.seq = seq;
    this.leaves.add(leaf);
    this.touch(leaf);
    this.enforceLimits();
  }

  clear(): void {
    for (const leaf of this.leaves) this.engine.release(leaf.seq!);
    this.leaves.clear();
    this.root.children.clear();
  }

  private enforceLimits(): void {
    while (this.leaves.size > this.maxEntries) this.dropLeaf(this.oldestLeaf()!);
    const perToken = this.engine.info.kvBytesPerToken;
    if (perToken === undefined || perToken <= 0) return;
    while (this.leaves.size > 0 && this.heldTokens * perToken > this.maxBytes) {
      this.shrinkLeaf(this.oldestLeaf()!);
    }
  }

  /** Cuts a leaf's own tokens: its sequence moves up to a parent that would otherwise be lost. */
  private shrinkLeaf(leaf: Node): void {
    const parent = leaf.parent!;
    if (parent !== this.root && parent.children.size === 1) {
      this.engine.truncate(leaf.seq!, parent.depth);
      parent.seq = leaf.seq;
      parent.children.clear();
      parent.lastUsed = leaf.lastUsed;
      this.leaves.delete(leaf);
      this.leaves.add(parent);
    } else this.dropLeaf(leaf);
  }

  /** Releases a leaf's sequence and prunes the branch nothing else holds. */
  private dropLeaf(leaf: Node): void {
    this.engine.release(leaf.seq!);
    this.detach(leaf);
  }

  /** Forgets a leaf (its sequence now someone else's or released) and prunes the branch nothing else holds. */
  private detach(leaf: Node): void {
    leaf.seq = undefined;
    this.leaves.delete(leaf);
    let node = leaf;
    while (node !== this.root && node.children.size === 0 && node.seq === undefined) {
      node.parent!.children.delete(node.tokens[0]!);
      node = node.parent!;
    }
  }

  /** Splits `node`'s edge after `at` tokens; returns the new inner node. */
  private split(node: Node, at: number): Node {
    const parent = node.parent!;
    const inner = newNode(node.tokens.slice(0, at), parent);
    parent.children.set(inner.tokens[0]!, inner);
    node.tokens = node.tokens.slice(at);
    node.parent = inner;
    inner.children.set(node.tokens[0]!, node);
    inner.lastUsed = node.lastUsed;
    return inner;
  }

  /** The deepest node the tokens reach (possibly part-way along its edge) and the matched length. */
  private walk(tokens: readonly number[]): { node: Node | undefined; length: number } {
    let node = this.root;
    let i = 0;
    let reached: Node | undefined;
    while (i < tokens.length) {
      const child = node.children.get(tokens[i]!);
      if (child === undefined) break;
      const common = commonPrefixLength(child.tokens, tokens, i);
      reached = child;
      i += common;
      if (common < child.tokens.length) break;
      node = child;
    }
    return { node: reached, length: i };
  }

  private freshestLeafUnder(node: Node): Node | undefined {
    if (node.seq !== undefined) return node;
    let best: Node | undefined;
    for (const child of node.children.values()) {
      const leaf = this.freshestLeafUnder(child);
      if (leaf !== undefined && (best === undefined || leaf.lastUsed > best.lastUsed)) best = leaf;
    }
    return best;
  }

  /** The leaf `acquire(tokens)` would fork from, when it would reuse at least `minTokens` (≥ 1). */
  private leafFor(tokens: readonly number[], minTokens: number): Node | undefined {
    const { node, length } = this.walk(tokens);
    if (node === undefined || Math.min(length, tokens.length - 1) < Math.max(1, minTokens)) return undefined;
    return this.freshestLeafUnder(node);
  }

  private oldestLeaf(except?: ReadonlySet<Node>): Node | undefined {
    let oldest: Node | undefined;
    for (const leaf of this.leaves)
      if (!except?.has(leaf) && (oldest === undefined || leaf.lastUsed < oldest.lastUsed)) oldest = leaf;
    return oldest;
  }

  private touch(leaf: Node): void {
    leaf.lastUsed = ++this.clock;
  }
}

/** A fork of `from` holding exactly its first `nTokens`. */
export function forkPrefix(engine: Engine, from: SequenceId, nTokens: number): SequenceId {
  const seq = engine.fork(from, nTokens);
  if (engine.sequenceLength(seq) > nTokens) engine.truncate(seq, nTokens);
  return seq;
}

function newNode(tokens: number[], parent: Node | undefined): Node {
  return {
    tokens,
    parent,
    children: new Map(),
    seq: undefined,
    depth: (parent?.depth ?? 0) + tokens.length,
    lastUsed: 0,
  };
}

/** How many of `edge`'s tokens match `tokens` from `offset`. */
function commonPrefixLength(edge: readonly number[], tokens: readonly number[], offset: number): number {
  const limit = Math.min(edge.length, tokens.length - offset);
  let i = 0;
  while (i < limit && edge[i] === tokens[offset + i]) i++;
  return i;
}
