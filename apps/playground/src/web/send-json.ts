import type { ServerResponse } from 'node:http';
import { SignatureError, XError } from '@x/core';
import { RequestError } from './request-error.js';

export function sendJson(response: ServerResponse, status: number, value: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  response.end(JSON.stringify(value));
}

/** `{ error: { name, code, message } }` for any thrown value; x errors keep their code. */
export function errorJson(error: unknown): { name: string; code: string; message: string } {
  if (error instanceof RequestError || XError.isInstance(error))
    return { name: error.name, code: error.code, message: error.message };
  if (error instanceof Error) return { name: error.name, code: 'internal_error', message: error.message };
  return { name: 'Error', code: 'internal_error', message: String(error) };
}

/** 4xx for request and signature errors, 500 otherwise. */
export function sendError(response: ServerResponse, error: unknown): void {
  const status = error instanceof RequestError ? error.status : SignatureError.isInstance(error) ? 400 : 500;
  sendJson(response, status, { error: errorJson(error) });
}
