/** What one push lets through: text safe to show now, and whether a stop string was reached. */
export interface StopMatch {
  text: string;
  stopped: boolean;
}

/**
 * Finds stop strings in streamed text however the tokens split them. Text that could still
 * become the start of a stop string is held back until it cannot, so a stop string (and any
 * part of one) is never emitted.
 */
export class StopMatcher {
  private readonly stops: readonly string[];
  private held = '';
  private stopped = false;

  constructor(stops: readonly string[]) {
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  push(text: string): StopMatch {
    if (this.stopped) return { text: '', stopped: true };
    // No stop strings: nothing to hold back, no buffer to build (every token of most calls).
    if (this.stops.length === 0) return { text, stopped: false };
    const buffer = this.held + text;
    let matchAt = -1;
    for (const stop of this.stops) {
      const at = buffer.indexOf(stop);
      if (at !== -1 && (matchAt === -1 || at < matchAt)) matchAt = at;
    }
    if (matchAt !== -1) {
      this.stopped = true;
      this.held = '';
      return { text: buffer.slice(0, matchAt), stopped: true };
    }
    const keep = this.partialMatchLength(buffer);
    this.held = buffer.slice(buffer.length - keep);
    return { text: buffer.slice(0, buffer.length - keep), stopped: false };
  }

  /** The held-back text, released at the end of generation when no stop string completed. */
  flush(): string {
    const rest = this.stopped ? '' : this.held;
    this.held = '';
    return rest;
  }

  /** Length of the longest suffix of `buffer` that is a proper prefix of some stop string. */
  private partialMatchLength(buffer: string): number {
    let longest = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, buffer.length); length > longest; length--) {
        if (buffer.endsWith(stop.slice(0, length))) {
          longest = length;
          break;
        }
      }
    }
    return longest;
  }
}
