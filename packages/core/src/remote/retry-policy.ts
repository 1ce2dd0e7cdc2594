export interface RetryPolicy {
  /** Retries after the first attempt. Default 2. */
  maxRetries: number;
  /** First backoff delay in milliseconds. Default 500. */
  baseDelayMs: number;
  /** Largest backoff delay in milliseconds. Default 8000. */
  maxDelayMs: number;
  /** Longest Retry-After the client will honour; a server asking for more gets this. Default 60000. */
  maxRetryAfterMs: number;
  /** Uniform random numbers in [0, 1) for jitter; tests pass a fixed one. */
  random?: () => number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxRetries: 2,
  baseDelayMs: 500,
  maxDelayMs: 8000,
  maxRetryAfterMs: 60_000,
};

/** HTTP statuses worth retrying: timeouts, conflicts, rate limits and server errors. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}
