/**
 * What a verify forward costs against a plain decode step, learned from the engine's own timings:
 * the milliseconds of single-request forwards of n tokens (a moving average per n), fitted by a line
 * over n. Until two sizes have been seen it assumes each drafted token adds half a step (about what
 * the native engine measured on the SmolLM2 shape in December 2026).
 */
export class VerifyCost {
  private readonly average = new Map<number, number>();

  /** A forward of `tokens` tokens for one request took `ms`. */
  record(tokens: number, ms: number): void {
    if (!(ms > 0) || tokens < 1) return;
    const before = this.average.get(tokens);
    this.average.set(tokens, before === undefined ? ms : before + 0.25 * (ms - before));
  }

  /** A forward verifying `k` drafted tokens (k + 1 in all), in plain decode steps; at least 1. */
  readonly ratio = (k: number): number => {
    const one = this.average.get(1);
    if (one === undefined || this.average.size < 2) return 1 + 0.5 * k;
    let n = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let sxy = 0;
    for (const [x, y] of this.average) {
      n++;
      sx += x;
      sy += y;
      sxx += x * x;
      sxy += x * y;
    }
    const slope = Math.max(0, (n * sxy - sx * sy) / (n * sxx - sx * sx));
    return Math.max(1, (one + slope * k) / one);
  };
}
