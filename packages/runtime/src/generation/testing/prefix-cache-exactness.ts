import type { Engine } from '../../engine/engine.js';
import { PrefixCache, type PrefixCacheOptions } from '../prefix-cache.js';

export interface CacheHit {
  /** Last-token logits computed on top of the cached prefix. */
  cached: Float32Array;
  /** The same tokens run from scratch in a fresh sequence. */
  cold: Float32Array;
  reused: number;
}

/** Deterministic prompts over a vocabulary: a shared stem, branches off it, and extensions. */
export function cachePrompts(vocabSize: number, seed = 7): number[][] {
  let state = seed;
  const token = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return 3 + (state % (vocabSize - 3));
  };
  const run = (n: number) => Array.from({ length: n }, token);
  const stem = run(40);
  const a = [...stem, ...run(12)];
  const b = [...stem, ...run(9)];
  return [a, b, [...a, ...run(6)], stem.slice(0, 25).concat(run(5)), [...b, ...run(4)], a, run(7), b, stem];
}

/**
 * Runs each prompt on top of the cache's best prefix and from scratch, storing each finished
 * sequence after appending junk tokens and truncating them away (as speculative decoding does),
 * so hits come from trimmed, split and evicted entries alike.
 */
export async function cachedVersusCold(
  engine: Engine,
  prompts: number[][],
  options: PrefixCacheOptions,
): Promise<{ hits: CacheHit[]; cache: PrefixCache }> {
  const cache = new PrefixCache(engine, options);
  const hits: CacheHit[] = [];
  const last = async (seq: number, tokens: number[]) =>
    (await engine.forward([{ seq, tokens: Int32Array.from(tokens), logitsFor: 'last' }]))[0]!;
  for (const prompt of prompts) {
    const { seq, reused } = cache.acquire(prompt);
    const cached = await last(seq, prompt.slice(reused));
    await last(seq, [prompt[0]!, prompt[1]!, prompt[2]!]);
    engine.truncate(seq, prompt.length);
    const coldSeq = engine.createSequence();
    const cold = await last(coldSeq, prompt);
    engine.release(coldSeq);
    cache.store(seq, prompt);
    hits.push({ cached, cold, reused });
  }
  return { hits, cache };
}
