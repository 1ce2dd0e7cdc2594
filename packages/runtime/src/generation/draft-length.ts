/**
 * How many tokens one request drafts on the draft model each step: from `most`, one fewer after a
 * step with a rejection and two more after a step that kept every draft token. A one-token draft
 * that is rejected pauses drafting for some steps (8, doubling each time up to 256), so a draft
 * model that does not agree with the target costs almost nothing.
 */
export class DraftLength {
  private length: number;
  private idle = 0;
  private backoff = 8;

  constructor(private readonly most: number) {
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

  /** Records a verified draft: `kept` of its `drafted` tokens agreed with the target. */
  update(drafted: number, kept: number): void {
    if (drafted === 0) return;
    if (kept === drafted) {
      this.length = Math.min(this.most, this.length + 2);
      this.backoff = 8;
    } else if (this.length > 1) this.length--;
    else {
      this.idle = this.backoff;
      this.backoff = Math.min(256, this.backoff * 2);
    }
  }
}
