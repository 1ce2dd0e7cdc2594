import { PriorityQueue } from './priority-queue.js';

interface Bigram {
  left: number;
  right: number;
  /** Lower comes out first: a BPE rank, or minus an SPM score. */
  cost: number;
  length: number;
}

const before = (a: Bigram, b: Bigram) => a.cost < b.cost || (a.cost === b.cost && a.left < b.left);

/**
 * Repeatedly joins the adjacent pair with the lowest cost (leftmost on ties), as llama.cpp's SPM and BPE
 * sessions do. `cost(left, right)` returns undefined when the pair may not merge. Returns the final symbols.
 */
export function mergeSymbols(
  symbols: string[],
  cost: (left: string, right: string) => number | undefined,
): string[] {
  const count = symbols.length;
  if (count < 2) return symbols;
  const text = symbols.slice();
  const prev = new Int32Array(count);
  const next = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    prev[i] = i - 1;
    next[i] = i + 1 < count ? i + 1 : -1;
  }
  const queue = new PriorityQueue<Bigram>(before);
  const consider = (left: number, right: number) => {
    if (left < 0 || right < 0) return;
    const a = text[left] as string;
    const b = text[right] as string;
    const value = cost(a, b);
    if (value !== undefined) queue.push({ left, right, cost: value, length: a.length + b.length });
  };
  for (let i = 1; i < count; i++) consider(i - 1, i);
  for (let bigram = queue.pop(); bigram !== undefined; bigram = queue.pop()) {
    const { left, right } = bigram;
    const a = text[left] as string;
    const b = text[right] as string;
    // Symbols only grow, so an unchanged total length means the pair is still the one that was scored.
    if (a.length === 0 || b.length === 0 || a.length + b.length !== bigram.length) continue;
    text[left] = a + b;
    text[right] = '';
    const after = next[right] as number;
    next[left] = after;
    if (after >= 0) prev[after] = left;
    consider(prev[left] as number, left);
    consider(left, after);
  }
  const merged: string[] = [];
  for (let i = 0; i >= 0; i = next[i] as number) merged.push(text[i] as string);
  return merged;
}

/** Splits text into code points (surrogate pairs stay whole). */
export function codePoints(text: string): string[] {
  return Array.from(text);
}
