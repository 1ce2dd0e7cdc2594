import { createServer, type Server } from 'node:http';
import path from 'node:path';
import { benchPage } from '../bench/bench-page.js';
import { readBenchRuns } from '../bench/read-bench-runs.js';
import { applyCors } from '../http/cors.js';
import { readJsonBody } from '../http/read-json-body.js';
import { RequestError } from '../http/request-error.js';
import { sendError, sendJson } from '../http/send-json.js';
import { resolveLimits, type ServerLimits, timeoutOptions } from '../http/server-limits.js';
import type { BackendPool } from './backend-pool.js';
import { describeSignature } from './describe-signature.js';
import { parseSignatureRequest } from './parse-run-request.js';
import { handleRun } from './run-route.js';
import { webPage } from './web-page.js';

export interface WebServerOptions extends ServerLimits {
  pool: BackendPool;
  /** Shown on the page. */
  modelName: string;
  /** The `pnpm bench` results that /bench plots (default benchmarks/results/history under the cwd). */
  benchDir?: string;
}

export const defaultBenchDir = 'benchmarks/results/history';

/**
 * The web playground: GET / (the page), GET /api/backends, POST /api/signature (parse a
 * signature into its fields), POST /api/run (one backend's run as Server-Sent Events), GET /bench
 * (plots of the benchmark history, read from the results folder on every request).
 */
export function createWebServer(options: WebServerOptions): Server {
  const { pool, modelName } = options;
  const limits = resolveLimits(options);
  const benchDir = path.resolve(options.benchDir ?? defaultBenchDir);
  const server = createServer(timeoutOptions(options), (request, response) => {
    if (applyCors(request, response, limits.corsOrigins)) return;
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
      case 'GET /bench':
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        response.end(benchPage(readBenchRuns(benchDir), benchDir));
        return;
      case 'GET /api/backends':
        sendJson(response, 200, { model: modelName, backends: pool.names });
        return;
      case 'POST /api/signature':
        readJsonBody(request, limits.bodyLimit)
          .then((body) => sendJson(response, 200, describeSignature(parseSignatureRequest(body))))
          .catch(fail);
        return;
      case 'POST /api/run':
        handleRun(pool, request, response, limits.bodyLimit).catch(fail);
        return;
      default:
        sendError(
          response,
          new RequestError({ status: 404, code: 'unknown_route', message: `no route for ${route}` }),
        );
    }
  });
  return server;
}
