import { Signature } from '@x/core';
import { RequestError } from './request-error.js';
import type { WebRunRequest } from './run-signature.js';

export interface WebRunBody extends WebRunRequest {
  backend: string;
}

const defaultMaxTokens = 128;
const maxMaxTokens = 4096;

function numberOr(value: unknown, fallback: number, name: string, valid: (n: number) => boolean): number {
  if (value === undefined || value === null || value === '') return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || !valid(number))
    throw new RequestError(400, 'invalid_option', `invalid ${name}: ${JSON.stringify(value)}`);
  return number;
}

/**
 * Checks a /api/run body against the known backends and the signature's inputs; throws RequestError
 * (or SignatureError for a malformed signature) before any model work starts.
 */
export function parseRunRequest(body: Record<string, unknown>, backends: readonly string[]): WebRunBody {
  const { backend, signature, inputs } = body;
  if (typeof backend !== 'string' || !backends.includes(backend))
    throw new RequestError(400, 'unknown_backend', `backend must be one of ${backends.join(', ')}`);
  if (typeof signature !== 'string')
    throw new RequestError(400, 'invalid_signature', '`signature` must be a string');
  const fields = Signature.from(signature).inputFields.map((field) => field.name);
  if (typeof inputs !== 'object' || inputs === null || Array.isArray(inputs))
    throw new RequestError(400, 'invalid_inputs', '`inputs` must be an object');
  const values: Record<string, string> = {};
  for (const name of fields) {
    const value = (inputs as Record<string, unknown>)[name];
    if (value === undefined) throw new RequestError(400, 'missing_input', `missing input "${name}"`);
    values[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return {
    backend,
    signature,
    inputs: values,
    maxTokens: numberOr(
      body.maxTokens,
      defaultMaxTokens,
      'maxTokens',
      (n) => Number.isInteger(n) && n > 0 && n <= maxMaxTokens,
    ),
    temperature: numberOr(body.temperature, 0, 'temperature', (n) => n >= 0 && n <= 5),
  };
}
