import type { ServerResponse } from 'node:http';

/** Starts a Server-Sent Events response. */
export function openEventStream(response: ServerResponse, headers: Record<string, string> = {}): void {
  response.writeHead(200, {
    ...headers,
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
}

/** Writes one event unless the client has gone; `event` names it, OpenAI streams send data only. */
export function writeEvent(response: ServerResponse, data: unknown, event?: string): void {
  if (response.writableEnded || response.destroyed) return;
  const text = typeof data === 'string' ? data : JSON.stringify(data);
  response.write(`${event === undefined ? '' : `event: ${event}\n`}data: ${text}\n\n`);
}
