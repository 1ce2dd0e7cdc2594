/**
 * Orders one program's examples inside a shared stream of calls: examples 0 … warmup−1 run one after
 * another, and the rest start once they are done (as `mapConcurrent`'s warmup, but per program, so
 * the others' calls can run meanwhile). A warmup example's failure fails the examples waiting on it.
 */
export class WarmupGate {
  private readonly warmup: number;
  private readonly done: Array<Promise<void>> = [];
  private readonly settle: Array<(error?: unknown) => void> = [];

  constructor(warmup: number) {
    this.warmup = Math.max(0, Math.floor(warmup));
    for (let i = 0; i < this.warmup; i++) {
      const promise = new Promise<void>((resolve, reject) => {
        this.settle.push((error) => (error === undefined ? resolve() : reject(error)));
      });
      // Nobody may wait on it (a single example): its rejection is not an unhandled one.
      promise.catch(() => {});
      this.done.push(promise);
    }
  }

  /** Runs example `index`'s `task` once the examples it waits on are done. */
  async run<R>(index: number, task: () => Promise<R>): Promise<R> {
    if (index > 0 && this.warmup > 0) await this.done[Math.min(index, this.warmup) - 1];
    if (index >= this.warmup) return task();
    try {
      const result = await task();
      this.settle[index]!();
      return result;
    } catch (error) {
      this.settle[index]!(error ?? new Error('warmup example failed'));
      throw error;
    }
  }
}
