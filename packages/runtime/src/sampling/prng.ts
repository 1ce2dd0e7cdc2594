import { seededRandom } from '@x/core';

/** A seeded source of uniform floats in [0, 1). */
export type Prng = () => number;

/**
 * Core's mulberry32 stream, seeded with the seed floored first, so equal seeds always give the same
 * stream on every platform.
 */
export function createPrng(seed: number): Prng {
  return seededRandom(Math.floor(seed));
}

/** A seed for callers that gave none: different on every call. */
export function randomSeed(): number {
  return Math.floor(Math.random() * 4294967296);
}
