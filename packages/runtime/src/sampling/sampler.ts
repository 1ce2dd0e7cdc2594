import type { SamplingOptions } from '@x/core';
import { applyLogitBias } from './apply-logit-bias.js';
import { applyMinP } from './apply-min-p.js';
import { applyPenalties } from './apply-penalties.js';
import { applyTokenMask } from './apply-token-mask.js';
import { applyTopP } from './apply-top-p.js';
import { argmax } from './argmax.js';
import { BAN_LOGIT_BIAS, maskWithout } from './ban-mask.js';
import { type Candidates, candidatesFromLogits } from './candidates.js';
import { greedyPick } from './greedy-pick.js';
import { createPrng, randomSeed } from './prng.js';
import { sampleCandidate } from './sample-candidate.js';
import { selectTopK } from './select-top-k.js';

export interface SamplerOptions extends SamplingOptions {
  /** How many of the most recent tokens the penalties look at (llama.cpp `penalty_last_n`). Default 64; -1 = all. */
  penaltyWindow?: number;
}

export interface Sampler {
  /** The seed in use (the caller's, or a random one when none was given). */
  readonly seed: number;
  /** True when every pick is the argmax of the (masked, biased, penalized) row: no randomness. */
  readonly greedy?: boolean;
  /**
   * True when every pick is `argmax` of the row itself (greedy, no bias, no penalties): with no mask,
   * a caller may then take the pick from an engine's `forwardArgmax` instead of calling `sample`.
   */
  readonly argmaxOnly?: boolean;
  /**
   * Set, ascending, when the logit bias only bans these tokens (every value at most BAN_LOGIT_BIAS) and
   * the pick is greedy with no penalties: the pick is then the argmax of the row within the mask less
   * these tokens (`maskWithout`) whenever that leaves a token, so a caller may take it from an
   * engine's masked argmax; when it leaves none, `sample` picks with the bias added as usual.
   */
  readonly bannedTokens?: readonly number[];
  /**
   * Picks the next token from one logits row. `history` is the sequence so far (prompt and
   * generated ids), read only by the penalties. `mask` (a token bitset, see applyTokenMask) leaves
   * out tokens before any other stage runs. The row itself is never modified.
   */
  sample(logits: Float32Array, history?: ArrayLike<number>, mask?: Uint32Array): number;
}

/**
 * The stages run in llama.cpp's default order, after the token mask (constrained decoding): logit bias, penalties, top-k, top-p, min-p,
 * temperature, then a draw from the seeded PRNG. Temperature 0 (the default) is greedy. A bias at or
 * below BAN_LOGIT_BIAS (-100, as OpenAI's API treats it) bans its token: the token is left out with
 * the mask's, unless that would leave no token, and then its bias is added like any other (so a ban of
 * -Infinity behaves as before, and a finite one never wins while another token is allowed).
 */
export function createSampler(options: SamplerOptions = {}): Sampler {
  validateSamplerOptions(options);
  const temperature = options.temperature ?? 0;
  const topK = options.topK ?? 0;
  const topP = options.topP ?? 1;
  const minP = options.minP ?? 0;
  const repetition = options.repetitionPenalty ?? 1;
  const presence = options.presencePenalty ?? 0;
  const frequency = options.frequencyPenalty ?? 0;
  const window = options.penaltyWindow === -1 ? Number.POSITIVE_INFINITY : (options.penaltyWindow ?? 64);
  const bias = options.logitBias && Object.keys(options.logitBias).length > 0 ? options.logitBias : undefined;
  const penalize = window > 0 && (repetition !== 1 || presence !== 0 || frequency !== 0);
  const biasById = bias && new Map(Object.entries(bias).map(([id, value]) => [Number(id), value]));
  const bans = biasById && [...biasById].filter(([, value]) => value <= BAN_LOGIT_BIAS).map(([id]) => id);
  const banned = bans && bans.length > 0 ? Object.freeze(bans.sort((a, b) => a - b)) : undefined;
  // The bias left once the bans are masked out.
  const kept =
    banned && bias && Object.fromEntries(Object.entries(bias).filter(([, v]) => v > BAN_LOGIT_BIAS));
  const keptBias = kept && Object.keys(kept).length > 0 ? kept : undefined;
  const keptById = keptBias && new Map(Object.entries(keptBias).map(([id, value]) => [Number(id), value]));
  const seed = options.seed ?? randomSeed();
  const random = createPrng(seed);
  let scratch = new Float32Array(0);
  let identity: Int32Array | undefined;
  let weights = new Float64Array(0);

  return {
    seed,
    greedy: temperature <= 0,
    argmaxOnly: temperature <= 0 && !penalize && bias === undefined,
    bannedTokens: temperature <= 0 && !penalize && keptBias === undefined ? banned : undefined,
    sample(row, history = [], rowMask) {
      if (bias) checkedBias(bias, row.length);
      let mask = rowMask;
      let stageBias = bias;
      let stageBiasById = biasById;
      if (banned !== undefined) {
        const without = maskWithout(rowMask, banned, row.length);
        if (without.allowsAny) {
          mask = without.mask;
          stageBias = keptBias;
          stageBiasById = keptById;
        }
      }
      // Greedy without penalties needs no copy of the row: one pass over it (a decode step's hot path).
      if (temperature <= 0 && !penalize) return greedyPick(row, mask, stageBiasById);
      let logits = row;
      if (stageBias || penalize || mask) {
        if (scratch.length !== row.length) scratch = new Float32Array(row.length);
        scratch.set(row);
        logits = scratch;
        if (mask) applyTokenMask(logits, mask);
        if (stageBias) applyLogitBias(logits, stageBias);
        if (penalize) applyPenalties(logits, history, { repetition, presence, frequency, window });
      }
      if (temperature <= 0) return argmax(logits);
      let candidates: Candidates = candidatesFromLogits(logits, identity);
      identity = candidates.ids;
      if (topK > 0) candidates = selectTopK(candidates, topK);
      candidates = applyTopP(candidates, topP);
      candidates = applyMinP(candidates, minP);
      if (weights.length < candidates.length) weights = new Float64Array(candidates.length);
      return sampleCandidate(candidates, random, temperature, weights);
    },
  };
}

function checkedBias(
  bias: Readonly<Record<number, number>>,
  vocabSize: number,
): Readonly<Record<number, number>> {
  for (const key of Object.keys(bias)) {
    const id = Number(key);
    if (id >= vocabSize)
      throw new RangeError(`logitBias names token ${id}, but the vocabulary has ${vocabSize}`);
  }
  return bias;
}

/** Each numeric option's range, in the order they are checked (made once: every call validates). */
const OPTION_RANGES: ReadonlyArray<readonly [keyof SamplerOptions, (v: number) => boolean, string]> = [
  ['temperature', (v) => v >= 0, '>= 0'],
  ['topK', (v) => v >= 0 && Number.isInteger(v), 'an integer >= 0'],
  ['topP', (v) => v > 0 && v <= 1, 'in (0, 1]'],
  ['minP', (v) => v >= 0 && v <= 1, 'in [0, 1]'],
  ['repetitionPenalty', (v) => v > 0, '> 0'],
  ['presencePenalty', () => true, 'finite'],
  ['frequencyPenalty', () => true, 'finite'],
  ['penaltyWindow', (v) => v >= -1 && Number.isInteger(v), 'an integer >= -1'],
  ['seed', () => true, 'finite'],
];

/** Throws a RangeError naming the first option out of its range. */
export function validateSamplerOptions(options: SamplerOptions): void {
  for (const [name, ok, range] of OPTION_RANGES) {
    const value = options[name] as number | undefined;
    if (value !== undefined && (!Number.isFinite(value) || !ok(value))) {
      throw new RangeError(`${name} must be ${range}, got ${value}`);
    }
  }
  for (const [key, value] of Object.entries(options.logitBias ?? {})) {
    const id = Number(key);
    if (!Number.isInteger(id) || id < 0) throw new RangeError(`logitBias key must be a token id, got ${key}`);
    if (typeof value !== 'number' || Number.isNaN(value) || value === Number.POSITIVE_INFINITY) {
      throw new RangeError(`logitBias[${key}] must be a number or -Infinity, got ${value}`);
    }
  }
}
