/** Verify cost of k drafted tokens, in plain decode steps (see VerifyCost). */
export type VerifyCostRatio = (k: number) => number;

const halfStepPerToken: VerifyCostRatio = (k) => 1 + 0.5 * k;

/**
 * How many tokens one request drafts by prompt lookup each step: the length that gives the most
 * tokens per unit of forward cost. A draft of k tokens each kept with probability p yields
 * 1 + p + … + p^k tokens for a forward costing `cost(k)` plain steps; the request drafts the best k
 * in [least, most] when that beats a plain step (1 token for 1 step), else nothing this step.
 *
 * p is this request's record: tokens kept against drafts cut short, recent drafts counting most,
 * starting from `prior` as if from a few drafts. Steps without a draft let the record fade back toward
 * it, so a request whose drafts missed tries again later.
 */
export class LookupDraftLength {
  private kept = 0;
  private cut = 0;

  /** `prior`: the chance a drafted token is kept before this request has drafted (e.g. other requests' rate). */
  constructor(
    private readonly most: number,
    private readonly least = 2,
    private readonly prior = 0.8,
  ) {}

  /** The fewest tokens worth a verify forward. */
  get minimum(): number {
    return this.least;
  }

  /** Estimated chance that a drafted token is kept. */
  get acceptance(): number {
    return (this.kept + this.prior * 2) / (this.kept + this.cut + 2);
  }

  /** Tokens to draft this step (0: a plain step pays more). */
  next(cost: VerifyCostRatio = halfStepPerToken): number {
    const p = Math.min(this.acceptance, 0.999);
    let best = 0;
    let bestGain = 1;
    let expected = 1;
    for (let k = 1; k <= this.most; k++) {
      expected += p ** k;
      const gain = expected / cost(k);
      if (k >= this.least && gain > bestGain) {
        best = k;
        bestGain = gain;
      }
    }
    if (best === 0) {
      this.kept *= 0.9;
      this.cut *= 0.9;
    }
    return best;
  }

  /** Records a verified draft: `kept` of its `drafted` tokens agreed with the target. */
  update(drafted: number, kept: number): void {
    if (drafted === 0) return;
    this.kept = 0.8 * this.kept + kept;
    this.cut = 0.8 * this.cut + (kept < drafted ? 1 : 0);
  }
}
