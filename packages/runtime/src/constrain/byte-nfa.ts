import { GrammarError, type GrammarNode } from '@x/core';

const encoder = new TextEncoder();

/**
 * A grammar compiled to a nondeterministic automaton over UTF-8 bytes (Thompson construction).
 * Working on bytes, not characters, lets a token that ends inside a multi-byte character (byte-level
 * BPE) move the automaton like any other.
 */
export class ByteNfa {
  /** Per state: epsilon targets. */
  readonly epsilon: number[][] = [];
  /** Per state: byte edges as flat [lo, hi, target, lo, hi, target, …]. */
  readonly edges: number[][] = [];
  readonly start: number;
  readonly final: number;
  /** Per state: fewest bytes to the final state (Infinity when it cannot be reached). */
  readonly distance: Float64Array;
  /** The largest finite distance: no state ever needs more bytes to finish. */
  readonly maxDistance: number;

  constructor(grammar: GrammarNode) {
    this.start = this.add();
    this.final = this.build(grammar, this.start);
    this.distance = this.distancesToFinal();
    let max = 0;
    for (const d of this.distance) if (d !== Number.POSITIVE_INFINITY && d > max) max = d;
    this.maxDistance = max;
  }

  get size(): number {
    return this.epsilon.length;
  }

  private add(): number {
    this.epsilon.push([]);
    this.edges.push([]);
    return this.epsilon.length - 1;
  }

  private link(from: number, to: number): void {
    this.epsilon[from]!.push(to);
  }

  private edge(from: number, lo: number, hi: number, to: number): void {
    this.edges[from]!.push(lo, hi, to);
  }

  /** Adds `node` starting at `from`; returns its end state (one with no outgoing edges yet). */
  private build(node: GrammarNode, from: number): number {
    switch (node.type) {
      case 'literal': {
        let at = from;
        for (const byte of encoder.encode(node.text)) {
          const next = this.add();
          this.edge(at, byte, byte, next);
          at = next;
        }
        return at;
      }
      case 'chars':
        return node.negate ? this.buildNegated(node.chars, from) : this.buildOneOf(node.chars, from);
      case 'seq': {
        let at = from;
        for (const item of node.items) at = this.build(item, at);
        return at;
      }
      case 'alt': {
        const end = this.add();
        for (const item of node.items) {
          const branch = this.add();
          this.link(from, branch);
          this.link(this.build(item, branch), end);
        }
        return end;
      }
      case 'repeat':
        return this.buildRepeat(node, from);
    }
  }

  private buildRepeat(node: Extract<GrammarNode, { type: 'repeat' }>, from: number): number {
    const { item, min, max, separator } = node;
    if (!Number.isInteger(min) || min < 0 || (max !== undefined && (!Number.isInteger(max) || max < min)))
      throw new GrammarError(`repeat bounds must be integers with 0 <= min <= max, got ${min}..${max}`);
    const end = this.add();
    let count = 0;
    const one = (at: number): number => {
      const start = count > 0 && separator ? this.build(separator, at) : at;
      count++;
      return this.build(item, start);
    };
    let at = from;
    while (count < min) at = one(at);
    if (max === undefined) {
      if (count === 0) {
        this.link(at, end);
        at = one(at);
      }
      const head = this.add();
      this.link(at, head);
      this.link(head, end);
      this.link(one(head), head);
      return end;
    }
    while (count < max) {
      this.link(at, end);
      at = one(at);
    }
    this.link(at, end);
    return end;
  }

  private buildOneOf(chars: string, from: number): number {
    const end = this.add();
    for (const char of chars) {
      const bytes = encoder.encode(char);
      let at = from;
      bytes.forEach((byte, i) => {
        const next = i === bytes.length - 1 ? end : this.add();
        this.edge(at, byte, byte, next);
        at = next;
      });
    }
    return end;
  }

  /** Any character but `chars` (ASCII only): the other ASCII bytes, and every multi-byte UTF-8 form. */
  private buildNegated(chars: string, from: number): number {
    const excluded = new Set<number>();
    for (const char of chars) {
      const code = char.codePointAt(0)!;
      if (code > 0x7f)
        throw new GrammarError(`a negated character class may only exclude ASCII, got ${char}`);
      excluded.add(code);
    }
    const end = this.add();
    let lo = -1;
    for (let byte = 0; byte <= 0x80; byte++) {
      const allowed = byte < 0x80 && !excluded.has(byte);
      if (allowed && lo < 0) lo = byte;
      if (!allowed && lo >= 0) {
        this.edge(from, lo, byte - 1, end);
        lo = -1;
      }
    }
    // Lead bytes of 2-, 3- and 4-byte sequences, each followed by its continuation bytes.
    for (const [leadLo, leadHi, continuations] of [
      [0xc2, 0xdf, 1],
      [0xe0, 0xef, 2],
      [0xf0, 0xf4, 3],
    ] as const) {
      let at = this.add();
      this.edge(from, leadLo, leadHi, at);
      for (let i = 1; i < continuations; i++) {
        const next = this.add();
        this.edge(at, 0x80, 0xbf, next);
        at = next;
      }
      this.edge(at, 0x80, 0xbf, end);
    }
    return end;
  }

  /** 0-1 BFS backwards from the final state: epsilon edges cost 0, byte edges 1. */
  private distancesToFinal(): Float64Array {
    const n = this.size;
    const reverse: Array<Array<[number, number]>> = Array.from({ length: n }, () => []);
    for (let s = 0; s < n; s++) {
      for (const t of this.epsilon[s]!) reverse[t]!.push([s, 0]);
      const edges = this.edges[s]!;
      for (let i = 0; i < edges.length; i += 3) reverse[edges[i + 2]!]!.push([s, 1]);
    }
    const distance = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
    distance[this.final] = 0;
    const deque: number[] = [this.final];
    let head = 0;
    // A plain array with a moving head; 0-cost edges go to the front by a second small stack.
    const front: number[] = [];
    while (front.length > 0 || head < deque.length) {
      const s = front.length > 0 ? front.pop()! : deque[head++]!;
      for (const [p, cost] of reverse[s]!) {
        const d = distance[s]! + cost;
        if (d < distance[p]!) {
          distance[p] = d;
          if (cost === 0) front.push(p);
          else deque.push(p);
        }
      }
    }
    return distance;
  }
}
