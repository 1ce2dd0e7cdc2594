/**
 * A small seeded PRNG so optimizers pick the same demos on every run (and runtime sampling repeats). It
 * does not reproduce Python's `random`, so the picks differ from DSPy's for the same seed.
 *
 * mulberry32 (Tommy Ettinger, public domain): a 32-bit state advanced by the Weyl constant 0x6D2B79F5,
 * then mixed by two xorshift-multiply rounds; the 32-bit output divided by 2^32. Period 2^32. The seed
 * is taken modulo 2^32, so equal seeds give the same stream on every platform.
 */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A shuffled copy of `items` (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: () => number): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy;
}

/** `count` distinct items picked at random, in random order (Python's `random.sample`). */
export function sample<T>(items: readonly T[], count: number, random: () => number): T[] {
  return shuffled(items, random).slice(0, Math.max(0, Math.min(count, items.length)));
}
