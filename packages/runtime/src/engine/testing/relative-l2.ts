import { nmse } from './nmse.js';

/** ‖actual − expected‖₂ / ‖expected‖₂: the square root of `nmse`, the scale most tolerances here are set in. */
export function relativeL2(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  return Math.sqrt(nmse(actual, expected));
}
