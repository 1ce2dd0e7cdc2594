import { createServer, type Server } from 'node:http';
import type { LM } from '@x/core';
import { handleCompletion } from './openai-routes.js';

/** An OpenAI-compatible HTTP server over one LM: /v1/models, /v1/chat/completions, /v1/completions. */
export function createOpenAIServer(lm: LM, modelName: string): Server {
  return createServer((request, response) => {
    const url = request.url ?? '/';
    if (request.method === 'GET' && url.startsWith('/v1/models')) {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({ object: 'list', data: [{ id: modelName, object: 'model', owned_by: 'x' }] }),
      );
      return;
    }
    if (
      request.method === 'POST' &&
      (url.startsWith('/v1/chat/completions') || url.startsWith('/v1/completions'))
    ) {
      void handleCompletion(lm, modelName, request, response);
      return;
    }
    if (request.method === 'GET' && url === '/health') {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"status":"ok"}');
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(
      JSON.stringify({ error: { message: `no route for ${request.method} ${url}`, type: 'not_found' } }),
    );
  });
}
