import type { IncomingMessage } from 'node:http';
import { RequestError } from './request-error.js';

const maxBytes = 1 << 20;

/** The request body parsed as a JSON object; RequestError 413 over 1 MiB, 400 when not an object. */
export async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > maxBytes)
      throw new RequestError(413, 'request_too_large', `request body over ${maxBytes} bytes`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new RequestError(400, 'invalid_json', 'body is not valid JSON');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body))
    throw new RequestError(400, 'invalid_body', 'body must be a JSON object');
  return body as Record<string, unknown>;
}
