import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { LM } from '@x/core';
import { createOpenAIServer, type OpenAIServerOptions, poolOf } from '../src/server/create-server.js';

export interface TestServer {
  /** http://127.0.0.1:port */
  origin: string;
  /** origin + /v1 */
  base: string;
  close(): Promise<void>;
}

/** An OpenAI server on 127.0.0.1 and a free port, over one LM named `name` unless a pool is given. */
export async function startOpenAIServer(
  lm: LM | undefined,
  options: Partial<OpenAIServerOptions> & { name?: string } = {},
): Promise<TestServer> {
  const pool = options.pool ?? poolOf(lm!, options.name ?? 'scripted');
  const server = createOpenAIServer({ ...options, pool });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    base: `${origin}/v1`,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export const postJson = (url: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

/** The `data:` payloads of an SSE body, `[DONE]` kept as a string. */
export async function sseData(response: Response): Promise<unknown[]> {
  const text = await response.text();
  return text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice('data: '.length))
    .map((data) => (data === '[DONE]' ? data : JSON.parse(data)));
}
