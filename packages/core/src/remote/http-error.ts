import { ContextLengthError } from '../errors/context-length-error.js';
import { LMError } from '../errors/lm-error.js';
import { parseContextOverflow } from './parse-context-overflow.js';
import { parseRetryAfter } from './parse-retry-after.js';
import { isRetryableStatus } from './retry-policy.js';
import type { RetryHint } from './with-retry.js';

/**
 * The typed error for a failed HTTP response (status undefined: an error event inside a stream): ContextLengthError when the server says the prompt
 * does not fit (numbers it does not give fall back to `contextLength` and 0), else an LMError with
 * the status, the server's message, `retryable` for 408/409/429/5xx, and `retryAfterMs`.
 */
export function httpError(
  response: { status: number | undefined; headers?: Headers },
  bodyText: string,
  contextLength: number,
): LMError | ContextLengthError {
  const body = parseJSON(bodyText);
  const { status } = response;
  if (status === undefined || (status >= 400 && status < 500)) {
    const overflow = parseContextOverflow(body);
    if (overflow) {
      return new ContextLengthError({
        promptTokens: overflow.promptTokens ?? 0,
        contextLength: overflow.contextLength ?? contextLength,
        maxTokens: overflow.maxTokens,
      });
    }
  }
  const error: LMError & RetryHint = new LMError(
    `${status === undefined ? 'server reported an error' : `server answered ${status}`}: ${serverMessage(body, bodyText)}`,
    { status, retryable: status !== undefined && isRetryableStatus(status) },
  );
  const retryAfterMs = response.headers && parseRetryAfter(response.headers);
  if (retryAfterMs !== undefined) error.retryAfterMs = retryAfterMs;
  return error;
}

export function parseJSON(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function serverMessage(body: unknown, bodyText: string): string {
  if (typeof body === 'object' && body !== null) {
    const inner = (body as { error?: unknown }).error;
    if (typeof inner === 'string') return inner;
    const message =
      (inner as { message?: unknown } | undefined)?.message ?? (body as { message?: unknown }).message;
    if (typeof message === 'string') return message;
  }
  return bodyText.slice(0, 500) || '(empty body)';
}
