import { seededRandom } from '../modules/seeded-random.js';

export interface CategoricalTPEOptions {
  /** Number of choices for each parameter. */
  choices: readonly number[];
  seed: number;
  /** Trials drawn uniformly at random before modelling starts. Default 4. */
  startupTrials?: number;
  /** Fraction of past trials counted as good. Default 0.25. */
  gamma?: number;
  /** Draws from the good model per suggestion, of which the best ratio wins. Default 24. */
  candidates?: number;
}

/**
 * A small Tree-structured Parzen Estimator over independent categorical parameters, in the spirit
 * of optuna's TPESampler (which DSPy's MIPROv2 uses), not a port of it: after the startup trials,
 * past trials split into the best `gamma` fraction and the rest; each parameter gets a smoothed
 * histogram over both groups, and the draw from the good histogram with the highest good/bad
 * ratio is suggested. Seeded, so the same results give the same suggestions.
 */
export class CategoricalTPE {
  private readonly choices: readonly number[];
  private readonly random: () => number;
  private readonly startupTrials: number;
  private readonly gamma: number;
  private readonly candidates: number;
  private readonly history: Array<{ params: number[]; score: number }> = [];

  constructor(options: CategoricalTPEOptions) {
    for (const count of options.choices) {
      if (!Number.isInteger(count) || count < 1)
        throw new RangeError(`each parameter needs ≥ 1 choice, got ${count}`);
    }
    this.choices = options.choices;
    this.random = seededRandom(options.seed);
    this.startupTrials = options.startupTrials ?? 4;
    this.gamma = options.gamma ?? 0.25;
    this.candidates = options.candidates ?? 24;
  }

  suggest(): number[] {
    if (this.history.length < this.startupTrials) return this.choices.map((count) => this.pick(count));
    const ranked = [...this.history].sort((a, b) => b.score - a.score);
    const goodCount = Math.max(1, Math.ceil(this.gamma * ranked.length));
    const good = ranked.slice(0, goodCount);
    const bad = ranked.slice(goodCount);
    return this.choices.map((count, param) => {
      const goodWeights = histogram(good, param, count);
      const badWeights = histogram(bad, param, count);
      let best = 0;
      let bestRatio = Number.NEGATIVE_INFINITY;
      for (let draw = 0; draw < this.candidates; draw++) {
        const value = this.pickWeighted(goodWeights);
        const ratio = Math.log(goodWeights[value] ?? 0) - Math.log(badWeights[value] ?? 0);
        if (ratio > bestRatio) {
          best = value;
          bestRatio = ratio;
        }
      }
      return best;
    });
  }

  tell(params: readonly number[], score: number): void {
    this.history.push({ params: [...params], score });
  }

  private pick(count: number): number {
    return Math.floor(this.random() * count);
  }

  private pickWeighted(weights: readonly number[]): number {
    let threshold = this.random() * weights.reduce((sum, weight) => sum + weight, 0);
    for (const [value, weight] of weights.entries()) {
      threshold -= weight;
      if (threshold < 0) return value;
    }
    return weights.length - 1;
  }
}

/** Normalised counts of each value of `param` in `trials`, with one pseudo-count each (the prior). */
function histogram(trials: ReadonlyArray<{ params: number[] }>, param: number, count: number): number[] {
  const weights = new Array<number>(count).fill(1);
  for (const trial of trials)
    weights[trial.params[param] ?? 0] = (weights[trial.params[param] ?? 0] ?? 0) + 1;
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  return weights.map((weight) => weight / total);
}
