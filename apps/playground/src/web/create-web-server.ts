import { createServer, type Server } from 'node:http';
import type { BackendPool } from './backend-pool.js';
import { describeSignature } from './describe-signature.js';
import { readJsonBody } from './read-json-body.js';
import { RequestError } from './request-error.js';
import { handleRun } from './run-route.js';
import { sendError, sendJson } from './send-json.js';
import { webPage } from './web-page.js';

export interface WebServerOptions {
  pool: BackendPool;
  /** Shown on the page. */
  modelName: string;
}

/**
 * The web playground: GET / (the page), GET /api/backends, POST /api/signature (parse a
 * signature into its fields), POST /api/run (one backend's run as Server-Sent Events).
 */
export function createWebServer({ pool, modelName }: WebServerOptions): Server {
  return createServer((request, response) => {
    const path = (request.url ?? '/').split('?')[0];
    const route = `${request.method} ${path}`;
    const fail = (error: unknown) => {
      if (!response.headersSent) sendError(response, error);
      else response.end();
    };
    switch (route) {
      case 'GET /':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(webPage);
        return;
      case 'GET /api/backends':
        sendJson(response, 200, { model: modelName, backends: pool.names });
        return;
      case 'POST /api/signature':
        readJsonBody(request)
          .then((body) => {
            if (typeof body.signature !== 'string')
              throw new RequestError(400, 'invalid_signature', '`signature` must be a string');
            sendJson(response, 200, describeSignature(body.signature));
          })
          .catch(fail);
        return;
      case 'POST /api/run':
        handleRun(pool, request, response).catch(fail);
        return;
      default:
        sendError(response, new RequestError(404, 'not_found', `no route for ${route}`));
    }
  });
}
