import type { Example } from './example.js';
import type { Module } from './module.js';
import { sample, seededRandom } from './seeded-random.js';

type Values = Record<string, unknown>;

export interface LabeledFewShotOptions {
  /** Demos per predictor. Default 16. */
  k?: number;
  /** Pick `k` at random (seeded) rather than the first `k`. Default true. */
  sample?: boolean;
  seed?: number;
}

/** DSPy's LabeledFewShot: gives every predictor of a copy of `student` up to `k` trainset examples as demos. */
export class LabeledFewShot {
  private readonly k: number;
  private readonly sample: boolean;
  private readonly seed: number;

  constructor(options: LabeledFewShotOptions = {}) {
    this.k = options.k ?? 16;
    this.sample = options.sample ?? true;
    this.seed = options.seed ?? 0;
  }

  compile<M extends Module<Values, Values>>(student: M, trainset: readonly Example[]): M {
    const compiled = student.clone();
    for (const [, predictor] of compiled.namedPredictors()) {
      predictor.demos = this.sample
        ? sample(trainset, this.k, seededRandom(this.seed))
        : trainset.slice(0, Math.max(0, this.k));
    }
    return compiled;
  }
}
