import { once } from 'node:events';
import { statSync } from 'node:fs';
import path from 'node:path';
import { XError } from '@x/core';
import { type BackendName, defaultModelPath, loadBackend } from '../backends.js';
import type { ServerLimits } from '../http/server-limits.js';
import { createOpenAIServer } from '../server/create-server.js';
import { ModelPool, type PoolModel } from '../server/model-pool.js';
import { ServerMetrics } from '../server/server-metrics.js';

export interface ServeCommandOptions extends ServerLimits {
  /** Comma-separated `[name=]file.gguf` entries; a name defaults to the file name without `.gguf`. */
  model?: string;
  backend: BackendName;
  threads?: number;
  /** Requests that may wait for a KV slot per model before the server answers 429. */
  maxQueue?: number;
  /** KV cache bytes each model's requests may hold together (the LM's kvMemoryBytes). */
  kvMemoryBytes?: number;
  host: string;
  port: number;
  /** Bytes the loaded models may take together (file sizes); least recently used idle ones go first. */
  memoryBudget?: number;
  serveAnyModel?: boolean;
  out: NodeJS.WritableStream;
}

/** `[name=]path` list → pool models; the names are what requests send as `model`. */
export function poolModels(spec: string, load: (file: string) => PoolModel['load']): PoolModel[] {
  return spec.split(',').map((entry) => {
    const equals = entry.indexOf('=');
    const file = entry.slice(equals + 1).trim();
    const name = equals > 0 ? entry.slice(0, equals).trim() : path.basename(file).replace(/\.gguf$/, '');
    let bytes: number;
    try {
      bytes = statSync(file).size;
    } catch (error) {
      throw new XError('X_USAGE', `cannot read model file "${file}"`, { cause: error });
    }
    return { name, bytes, load: load(file) };
  });
}

const DEFAULT_MAX_QUEUE = 256;

/** An OpenAI-compatible server over a pool of local models; concurrent requests share decode steps. */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const metrics = new ServerMetrics();
  process.on('unhandledRejection', (reason) => {
    metrics.unhandledRejections++;
    process.stderr.write(`unhandled rejection: ${reason instanceof Error ? reason.stack : String(reason)}\n`);
  });
  const models = poolModels(
    options.model ?? defaultModelPath,
    (file) => () =>
      loadBackend(options.backend, file, {
        threads: options.threads,
        maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
        kvMemoryBytes: options.kvMemoryBytes,
      }),
  );
  const pool = new ModelPool(models, options.memoryBudget);
  // Loading the first model now makes a bad file fail at start, not on the first request.
  (await pool.acquire(models[0]!.name)).release();
  const server = createOpenAIServer({ ...options, pool, metrics });
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  const names = models.map((model) => model.name).join(', ');
  options.out.write(`serving ${names} (${options.backend}) on http://${options.host}:${port}/v1\n`);
  const stop = async () => {
    server.close();
    server.closeAllConnections();
    await pool.dispose();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
  return 0;
}
