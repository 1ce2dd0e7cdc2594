/**
 * How many tokens one request drafts by prompt lookup each step. A verify forward of k + 1 tokens
 * costs several single-token steps, so the policy spends it where drafts have been landing:
 * - every drafted token kept: the length doubles (up to `most`);
 * - some kept: the next draft is one longer than what was kept (a copied span ended there);
 * - none kept: the length halves and drafting pauses for 1, 2, 4 … up to 16 steps, reset by the next
 *   draft that lands, so a context the output does not copy costs plain decode steps;
 * - never fewer than `least` tokens: a shorter draft costs more to verify than it saves.
 */
export class LookupDraftLength {
  private length: number;
  private idle = 0;
  private misses = 0;

  constructor(
    private readonly most: number,
    private readonly least = 2,
  ) {
    this.length = most;
  }

  /** Tokens to draft this step (0 while paused); counts a paused step. */
  next(): number {
    if (this.idle > 0) {
      this.idle--;
      return 0;
    }
    return this.length;
  }

  /** The fewest tokens worth a verify forward. */
  get minimum(): number {
    return this.least;
  }

  /** Records a verified draft: `kept` of its `drafted` tokens agreed with the target. */
  update(drafted: number, kept: number): void {
    if (drafted === 0) return;
    if (kept === drafted) {
      this.length = Math.min(this.most, this.length * 2);
      this.misses = 0;
    } else if (kept > 0) {
      this.length = Math.min(this.most, Math.max(this.least, kept + 1));
      this.misses = 0;
    } else {
      this.length = Math.max(this.least, Math.floor(this.length / 2));
      this.idle = Math.min(16, 2 ** this.misses);
      this.misses++;
    }
  }
}
