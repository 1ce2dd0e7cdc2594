import type { ServerResponse } from 'node:http';
import { ContextLengthError, OutOfMemoryError, QueueFullError, SignatureError, XError } from '@x/core';
import { type ErrorType, RequestError } from './request-error.js';

export interface ErrorBody {
  error: { message: string; type: ErrorType; param: string | null; code: string };
}

export function sendJson(
  response: ServerResponse,
  status: number,
  value: unknown,
  headers: Record<string, string> = {},
): void {
  response.writeHead(status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value));
}

/**
 * The status, headers and OpenAI-shaped body for any thrown value: client mistakes are 4xx, a full
 * queue 429, KV memory the scheduler could not free by preemption 503, the rest 500.
 */
export function errorResponse(error: unknown): {
  status: number;
  headers: Record<string, string>;
  body: ErrorBody;
} {
  const body = (type: ErrorType, code: string, message: string, param: string | null = null): ErrorBody => ({
    error: { message, type, param, code },
  });
  if (error instanceof RequestError)
    return {
      status: error.status,
      headers: error.headers,
      body: body(error.type, error.code, error.message, error.param),
    };
  if (ContextLengthError.isInstance(error))
    return {
      status: 400,
      headers: {},
      body: body('invalid_request_error', 'context_length_exceeded', error.message, 'messages'),
    };
  if (QueueFullError.isInstance(error))
    return {
      status: 429,
      headers: { 'retry-after': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))) },
      body: body('rate_limit_error', 'queue_full', error.message),
    };
  if (OutOfMemoryError.isInstance(error))
    return {
      status: 503,
      // A request larger than the budget on its own fails the same way every time: no Retry-After.
      headers: outgrowsBudget(error) ? {} : { 'retry-after': '1' },
      body: body('server_error', 'out_of_memory', outOfMemoryMessage(error)),
    };
  if (SignatureError.isInstance(error))
    return {
      status: 400,
      headers: {},
      body: body('invalid_request_error', error.code, error.message, 'signature'),
    };
  const message = error instanceof Error ? error.message : String(error);
  return {
    status: 500,
    headers: {},
    body: body('server_error', XError.isInstance(error) ? error.code : 'internal_error', message),
  };
}

function outgrowsBudget(error: OutOfMemoryError): boolean {
  return (
    error.neededBytes !== undefined && error.limitBytes !== undefined && error.neededBytes > error.limitBytes
  );
}

function outOfMemoryMessage(error: OutOfMemoryError): string {
  const advice = outgrowsBudget(error)
    ? 'this request needs more KV memory than the server allows one request: send a shorter prompt or a lower max_tokens'
    : 'the server ran out of KV memory: retry later';
  return `${advice} (${error.message})`;
}

export function sendError(response: ServerResponse, error: unknown): void {
  const { status, headers, body } = errorResponse(error);
  sendJson(response, status, body, headers);
}
