import { createServer, type Server } from 'node:http';
import type { LM } from '@x/core';
import { applyCors } from '../http/cors.js';
import { RequestError } from '../http/request-error.js';
import { sendError, sendJson } from '../http/send-json.js';
import { resolveLimits, type ServerLimits, timeoutOptions } from '../http/server-limits.js';
import { handleCompletion } from './completion-route.js';
import { ModelPool } from './model-pool.js';
import { ServerMetrics } from './server-metrics.js';

export interface OpenAIServerOptions extends ServerLimits {
  pool: ModelPool;
  /** Answer requests for an unknown `model` with the pool's first model instead of a 404. */
  serveAnyModel?: boolean;
  metrics?: ServerMetrics;
}

/** A pool holding one LM that is loaded already (tests, and `serve` with a single model). */
export const poolOf = (lm: LM, name: string): ModelPool =>
  new ModelPool([{ name, bytes: 0, load: async () => lm }]);

const modelObject = (id: string) => ({ id, object: 'model', created: 0, owned_by: 'x' });

/**
 * An OpenAI-compatible HTTP server over a model pool: /v1/models, /v1/models/{id},
 * /v1/chat/completions, /v1/completions, plus /health and /metrics (Prometheus text).
 */
export function createOpenAIServer(options: OpenAIServerOptions): Server {
  const { pool } = options;
  const limits = resolveLimits(options);
  const metrics = options.metrics ?? new ServerMetrics();
  const notFound = (name: string) =>
    new RequestError({
      status: 404,
      code: 'model_not_found',
      param: 'model',
      message: `the model \`${name}\` does not exist; this server has ${pool.names.join(', ')}`,
    });
  const resolveModel = (name: string | undefined) => {
    if (name === undefined || pool.has(name)) return name ?? pool.names[0]!;
    if (options.serveAnyModel) return pool.names[0]!;
    throw notFound(name);
  };
  const context = { pool, metrics, bodyLimit: limits.bodyLimit, resolveModel };

  const server = createServer(timeoutOptions(options), (request, response) => {
    const path = (request.url ?? '/').split('?')[0]!;
    const route = path.startsWith('/v1/models/') ? '/v1/models/{id}' : path;
    response.on('close', () => metrics.countRequest(route, response.statusCode));
    if (applyCors(request, response, limits.corsOrigins)) return;
    const method = request.method ?? 'GET';
    const allow = (methods: string) => {
      if (methods.split(', ').includes(method)) return true;
      sendError(
        response,
        new RequestError({
          status: 405,
          code: 'method_not_allowed',
          message: `${route} answers ${methods}, not ${method}`,
          headers: { allow: methods },
        }),
      );
      return false;
    };
    switch (route) {
      case '/health':
        if (allow('GET')) sendJson(response, 200, { status: 'ok', models: pool.names, loaded: pool.loaded });
        return;
      case '/metrics':
        if (!allow('GET')) return;
        pool.loadedLMs().then(
          (models) => {
            response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
            response.end(metrics.render(models, pool.loadedBytes));
          },
          (error) => sendError(response, error),
        );
        return;
      case '/v1/models':
        if (allow('GET')) sendJson(response, 200, { object: 'list', data: pool.names.map(modelObject) });
        return;
      case '/v1/models/{id}': {
        if (!allow('GET')) return;
        const raw = path.slice('/v1/models/'.length);
        let id = raw;
        try {
          id = decodeURIComponent(raw);
        } catch {
          // A malformed escape names no model: the 404 below says so.
        }
        if (pool.has(id)) sendJson(response, 200, modelObject(id));
        else sendError(response, notFound(id));
        return;
      }
      case '/v1/chat/completions':
      case '/v1/completions':
        if (allow('POST'))
          void handleCompletion(
            context,
            route === '/v1/chat/completions' ? 'chat' : 'completion',
            request,
            response,
          );
        return;
      default:
        sendError(
          response,
          new RequestError({ status: 404, code: 'unknown_route', message: `no route for ${method} ${path}` }),
        );
    }
  });
  return server;
}
