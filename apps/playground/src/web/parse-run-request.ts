import { Signature } from '@x/core';
import { z } from 'zod';
import { optional, parseWithSchema } from '../http/parse-with-schema.js';
import { RequestError } from '../http/request-error.js';
import type { WebRunRequest } from './run-signature.js';

export interface WebRunBody extends WebRunRequest {
  backend: string;
}

const defaultMaxTokens = 128;
const maxMaxTokens = 4096;

const runSchema = z.strictObject({
  backend: z.string(),
  signature: z.string(),
  inputs: z.record(z.string(), z.unknown()),
  maxTokens: optional(z.int().min(1).max(maxMaxTokens)),
  temperature: optional(z.number().min(0).max(2)),
});

const signatureSchema = z.strictObject({ signature: z.string() });

/** A /api/signature body: `{signature}`. */
export const parseSignatureRequest = (body: unknown): string =>
  parseWithSchema(signatureSchema, body).signature;

/**
 * Checks a /api/run body against the known backends and the signature's inputs; throws RequestError
 * (or SignatureError for a malformed signature) before any model work starts.
 */
export function parseRunRequest(body: unknown, backends: readonly string[]): WebRunBody {
  const run = parseWithSchema(runSchema, body);
  if (!backends.includes(run.backend))
    throw new RequestError({
      status: 400,
      code: 'unknown_backend',
      param: 'backend',
      message: `backend must be one of ${backends.join(', ')}`,
    });
  const values: Record<string, string> = {};
  for (const { name } of Signature.from(run.signature).inputFields) {
    const value = run.inputs[name];
    if (value === undefined)
      throw new RequestError({
        status: 400,
        code: 'missing_input',
        param: `inputs.${name}`,
        message: `missing input "${name}"`,
      });
    values[name] = typeof value === 'string' ? value : JSON.stringify(value);
  }
  return {
    backend: run.backend,
    signature: run.signature,
    inputs: values,
    maxTokens: run.maxTokens ?? defaultMaxTokens,
    temperature: run.temperature ?? 0,
  };
}
