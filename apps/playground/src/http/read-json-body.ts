import type { IncomingMessage } from 'node:http';
import { RequestError } from './request-error.js';

/** 1 MiB: room for a long chat; raise it with the server's `bodyLimit` for long-context models. */
export const defaultBodyLimit = 1 << 20;

const tooLarge = (limit: number) =>
  new RequestError({
    status: 413,
    code: 'request_too_large',
    message: `request body over the server's limit of ${limit} bytes`,
  });

/**
 * The request body parsed as JSON (any JSON value: the schema judges its shape). A declared
 * Content-Length over `limit` is refused before a byte is read; a body that grows past it stops being read.
 */
export async function readJsonBody(request: IncomingMessage, limit = defaultBodyLimit): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw tooLarge(limit);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError({ status: 400, code: 'invalid_json', message: 'the body is not valid JSON' });
  }
}
