import { AbortError } from '../errors/abort-error.js';
import { LMError } from '../errors/lm-error.js';
import { backoffDelay } from './backoff-delay.js';
import type { RetryPolicy } from './retry-policy.js';
import { sleep } from './sleep.js';

/** An LMError that also says how long the server asked the client to wait. */
export interface RetryHint {
  retryAfterMs?: number;
}

/**
 * Runs `attempt` until it succeeds, fails with a non-retryable error, or runs out of retries.
 * Retryable means an LMError with `retryable` set; its `retryAfterMs` (see `RetryHint`) replaces
 * the backoff delay, up to `policy.maxRetryAfterMs`.
 */
export async function withRetry<T>(
  attempt: (attemptNumber: number) => Promise<T>,
  policy: RetryPolicy,
  signal?: AbortSignal,
): Promise<T> {
  for (let attemptNumber = 0; ; attemptNumber++) {
    try {
      return await attempt(attemptNumber);
    } catch (error) {
      if (AbortError.isInstance(error)) throw error;
      if (!LMError.isInstance(error) || !error.retryable || attemptNumber >= policy.maxRetries) throw error;
      const hint = (error as RetryHint).retryAfterMs;
      const delay =
        hint === undefined
          ? backoffDelay(attemptNumber, {
              baseMs: policy.baseDelayMs,
              maxMs: policy.maxDelayMs,
              random: policy.random,
            })
          : Math.min(hint, policy.maxRetryAfterMs);
      await sleep(delay, signal);
    }
  }
}
