import { hasCode, XError } from './x-error.js';

/** The LM's request queue is at its limit: retry after `retryAfterMs` (a server answers 429). */
export class QueueFullError extends XError {
  static readonly code = 'X_QUEUE_FULL';
  readonly queueLimit: number;
  readonly retryAfterMs: number;

  constructor(fields: { queueLimit: number; retryAfterMs: number }) {
    super(
      QueueFullError.code,
      `the request queue is full (${fields.queueLimit} waiting); retry in ${Math.ceil(fields.retryAfterMs / 1000)} s`,
    );
    this.name = 'QueueFullError';
    this.queueLimit = fields.queueLimit;
    this.retryAfterMs = fields.retryAfterMs;
  }

  static override isInstance(value: unknown): value is QueueFullError {
    return hasCode(value, QueueFullError.code);
  }
}
