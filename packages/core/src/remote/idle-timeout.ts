import { LMError } from '../errors/lm-error.js';

/**
 * A timer whose signal fires (with a retryable LMError as reason) when `ms` pass without `reset`.
 * Resetting on every received chunk makes it bound silence, not total generation time.
 */
export class IdleTimeout {
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly ms: number) {
    this.reset();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  get fired(): boolean {
    return this.controller.signal.aborted;
  }

  /** The LMError the timer fired with. */
  get error(): LMError {
    return this.controller.signal.reason as LMError;
  }

  reset(): void {
    if (this.fired) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.controller.abort(
        new LMError(`no response from the server for ${this.ms} ms`, { retryable: true }),
      );
    }, this.ms);
  }

  clear(): void {
    clearTimeout(this.timer);
  }
}
