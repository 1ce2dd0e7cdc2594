import type { ServerOptions } from 'node:http';
import { defaultBodyLimit } from './read-json-body.js';

export interface ServerLimits {
  /** Largest JSON body in bytes (default 1 MiB). */
  bodyLimit?: number;
  /** Milliseconds a client has to send a whole request (default 30 s; Node's own is 300 s). */
  requestTimeoutMs?: number;
  /** Milliseconds a client has to send the headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Origins allowed to call from a browser ('*' for any); default none: CORS off. */
  corsOrigins?: readonly string[];
}

export const resolveLimits = (limits: ServerLimits) => ({
  bodyLimit: limits.bodyLimit ?? defaultBodyLimit,
  requestTimeoutMs: limits.requestTimeoutMs ?? 30_000,
  headersTimeoutMs: limits.headersTimeoutMs ?? 10_000,
  corsOrigins: limits.corsOrigins ?? [],
});

/**
 * Node's server options that cut slow partial requests (slowloris) well before Node's 300 s; the
 * check runs often enough for the timeouts to hold.
 */
export function timeoutOptions(limits: ServerLimits): ServerOptions {
  const { requestTimeoutMs, headersTimeoutMs } = resolveLimits(limits);
  return {
    requestTimeout: requestTimeoutMs,
    headersTimeout: Math.min(headersTimeoutMs, requestTimeoutMs),
    connectionsCheckingInterval: Math.max(100, Math.min(5_000, Math.floor(requestTimeoutMs / 4))),
  };
}
