import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
  body: unknown;
}

export type Handler = (request: ReceivedRequest, response: ServerResponse, raw: IncomingMessage) => void | Promise<void>;

/** A real HTTP server on 127.0.0.1 (port 0) whose behaviour each test sets with `handle`. */
export class FakeServer {
  readonly requests: ReceivedRequest[] = [];
  private handler: Handler = (_request, response) => {
    response.writeHead(500).end('no handler');
  };
  private readonly server: Server;
  private readonly sockets = new Set<import('node:net').Socket>();

  private constructor() {
    this.server = createServer((raw, response) => {
      const chunks: Buffer[] = [];
      raw.on('data', (chunk: Buffer) => chunks.push(chunk));
      raw.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {}
        const request = { method: raw.method ?? '', path: raw.url ?? '', headers: raw.headers, body };
        this.requests.push(request);
        Promise.resolve(this.handler(request, response, raw)).catch((error: unknown) => {
          response.destroy(error as Error);
        });
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(): Promise<FakeServer> {
    const fake = new FakeServer();
    await new Promise<void>((resolve) => fake.server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get baseURL(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
  }

  handle(handler: Handler): void {
    this.requests.length = 0;
    this.handler = handler;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

export function sendJSON(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

export const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Writes an SSE body in the given raw pieces, `gapMs` apart, so events straddle chunk boundaries. */
export async function sendSSE(response: ServerResponse, pieces: string[], gapMs = 2): Promise<void> {
  response.writeHead(200, { 'content-type': 'text/event-stream' });
  for (const piece of pieces) {
    if (response.destroyed) return;
    response.write(piece);
    await pause(gapMs);
  }
  response.end();
}

export const chatChunk = (content: string, finish: string | null = null) =>
  `data: ${JSON.stringify({ choices: [{ index: 0, delta: { content }, finish_reason: finish }] })}\n\n`;
