import type { TokenMask } from '../constrain/grammar-masks.js';

/** Masks padded to an engine's width, kept with the grammar's mask they came from (masks are cached per state). */
const padded = new WeakMap<TokenMask, Uint32Array>();

/**
 * A grammar's mask in the form `ForwardRequest.allowed` takes: at least ceil(vocabSize / 32) words.
 * A mask made for a smaller tokenizer vocabulary than the engine's is padded with zero words (the ids
 * past it are not allowed, as the sampler reads them), once per mask.
 */
export function engineMask(mask: TokenMask, vocabSize: number): Uint32Array {
  const words = Math.ceil(vocabSize / 32);
  if (mask.length >= words) return mask;
  let wide = padded.get(mask);
  if (wide === undefined || wide.length < words) {
    wide = new Uint32Array(words);
    wide.set(mask);
    padded.set(mask, wide);
  }
  return wide;
}
