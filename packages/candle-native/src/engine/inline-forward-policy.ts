/**
 * Token counts are grouped by the next power of two: steps within a group cost about the same. Integer
 * bit math (a forward call carries far fewer than 2^31 tokens) instead of Math.log2, on every call.
 */
function sizeClass(tokens: number): number {
  return tokens <= 1 ? 1 : 2 ** (32 - Math.clz32(tokens - 1));
}

/**
 * Decides which forwards run on the JS thread. A forward handed to a worker thread pays two hand-offs
 * (to the worker, then back through the event loop), ≈ 0.3–0.5 ms with two engine threads: a tenth of a
 * small model's decode step, nothing against a long one. Running on the JS thread blocks the event loop
 * for the step, so only forwards expected to take at most `budgetMs` do: expected from the last forward
 * of the same size class, which the first of each class measures on a worker. A worker's forward is
 * recorded by the engine's own time, without its hand-offs, so a step just under the budget is not kept
 * on the worker by them. As a context grows and its steps lengthen past the budget, they move back to
 * the worker by themselves, and back inline once they are short again.
 */
export class InlineForwardPolicy {
  private readonly lastMs = new Map<number, number>();

  /** `budgetMs` 0 keeps every forward on a worker thread. */
  constructor(readonly budgetMs: number) {}

  runsInline(tokens: number): boolean {
    if (this.budgetMs <= 0) return false;
    const last = this.lastMs.get(sizeClass(tokens));
    return last !== undefined && last <= this.budgetMs;
  }

  /** Records how long a forward of `tokens` tokens took (held the JS thread, or would have). */
  record(tokens: number, ms: number): void {
    this.lastMs.set(sizeClass(tokens), ms);
  }
}
