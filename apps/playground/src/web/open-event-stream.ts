import type { ServerResponse } from 'node:http';

export type SendEvent = (event: string, data: unknown) => void;

/** Starts a Server-Sent Events response; each call of the returned function sends one named event. */
export function openEventStream(response: ServerResponse): SendEvent {
  response.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
    connection: 'keep-alive',
  });
  response.flushHeaders();
  return (event, data) => {
    if (!response.writableEnded && !response.destroyed)
      response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
}
