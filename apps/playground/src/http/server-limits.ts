import type { Server } from 'node:http';
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

/** Cuts slow partial requests well before Node's defaults (slowloris). */
export function applyTimeouts(server: Server, limits: ServerLimits): void {
  const { requestTimeoutMs, headersTimeoutMs } = resolveLimits(limits);
  server.requestTimeout = requestTimeoutMs;
  server.headersTimeout = Math.min(headersTimeoutMs, requestTimeoutMs);
}
