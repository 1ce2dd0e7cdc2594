import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * Sets CORS headers when the request's Origin is allowed ('*' allows any). Off (no headers) when
 * `origins` is empty, so browsers on other sites cannot read the answers. Returns true when the
 * request was a preflight and has been answered.
 */
export function applyCors(
  request: IncomingMessage,
  response: ServerResponse,
  origins: readonly string[],
): boolean {
  const origin = request.headers.origin;
  const allowed = origin !== undefined && (origins.includes('*') || origins.includes(origin));
  if (allowed) {
    response.setHeader('access-control-allow-origin', origins.includes('*') ? '*' : origin);
    response.setHeader('vary', 'Origin');
  }
  if (request.method !== 'OPTIONS' || !allowed) return false;
  response.writeHead(204, {
    'access-control-allow-methods': 'GET, POST, OPTIONS',
    'access-control-allow-headers':
      request.headers['access-control-request-headers'] ?? 'content-type, authorization',
    'access-control-max-age': '600',
  });
  response.end();
  return true;
}
