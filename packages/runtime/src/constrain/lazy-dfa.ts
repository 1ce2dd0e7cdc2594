import type { ByteNfa } from './byte-nfa.js';

const UNKNOWN = -2;
export const DEAD = -1;

/**
 * The deterministic automaton of a ByteNfa, built on demand: a state is the set of NFA states
 * reachable after the bytes read so far, numbered in order of discovery (so numbering, and every
 * mask built from it, is deterministic).
 */
export class LazyDfa {
  readonly nfa: ByteNfa;
  readonly start: number;
  private readonly sets: Int32Array[] = [];
  private readonly ids = new Map<string, number>();
  private readonly transitions: Int32Array[] = [];
  private readonly accepting: boolean[] = [];
  private readonly distances: number[] = [];
  private readonly mark: Uint32Array;
  private stamp = 0;

  constructor(nfa: ByteNfa) {
    this.nfa = nfa;
    this.mark = new Uint32Array(nfa.size);
    this.start = this.intern(this.closure([nfa.start]));
  }

  get stateCount(): number {
    return this.sets.length;
  }

  /** The state after `byte`, or DEAD. */
  next(state: number, byte: number): number {
    const row = this.transitions[state]!;
    const known = row[byte]!;
    if (known !== UNKNOWN) return known;
    const targets: number[] = [];
    for (const s of this.sets[state]!) {
      const edges = this.nfa.edges[s]!;
      for (let i = 0; i < edges.length; i += 3) {
        if (byte >= edges[i]! && byte <= edges[i + 1]!) targets.push(edges[i + 2]!);
      }
    }
    const result = targets.length === 0 ? DEAD : this.intern(this.closure(targets));
    row[byte] = result;
    return result;
  }

  /** The state after all of `bytes`, or DEAD. */
  walk(state: number, bytes: Uint8Array): number {
    let at = state;
    for (let i = 0; i < bytes.length && at !== DEAD; i++) at = this.next(at, bytes[i]!);
    return at;
  }

  isAccepting(state: number): boolean {
    return this.accepting[state]!;
  }

  /** Fewest bytes from `state` to an accepting state. */
  distance(state: number): number {
    return this.distances[state]!;
  }

  private closure(seeds: number[]): Int32Array {
    this.stamp++;
    const stack = [...seeds];
    const out: number[] = [];
    while (stack.length > 0) {
      const s = stack.pop()!;
      if (this.mark[s] === this.stamp) continue;
      this.mark[s] = this.stamp;
      out.push(s);
      for (const t of this.nfa.epsilon[s]!) if (this.mark[t] !== this.stamp) stack.push(t);
    }
    // Only states with byte edges (or the final state) tell sets apart.
    const kept = out.filter((s) => this.nfa.edges[s]!.length > 0 || s === this.nfa.final);
    return Int32Array.from(kept).sort();
  }

  private intern(set: Int32Array): number {
    const key = set.join(',');
    const known = this.ids.get(key);
    if (known !== undefined) return known;
    const id = this.sets.length;
    this.ids.set(key, id);
    this.sets.push(set);
    this.transitions.push(new Int32Array(256).fill(UNKNOWN));
    let accepting = false;
    let distance = Number.POSITIVE_INFINITY;
    for (const s of set) {
      if (s === this.nfa.final) accepting = true;
      distance = Math.min(distance, this.nfa.distance[s]!);
    }
    this.accepting.push(accepting);
    this.distances.push(distance);
    return id;
  }
}
