import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import type { LM } from '@x/core';
import type { ServerLimits } from '../http/server-limits.js';
import { BackendPool, type LoadLM } from './backend-pool.js';
import { createWebServer } from './create-web-server.js';

export interface StartWebServerOptions extends ServerLimits {
  /** The backend names offered on the page, in column order. */
  backends: readonly string[];
  /** Loads a backend on its first run. */
  load: LoadLM;
  /** LMs that are ready already (tests pass scripted ones here); the rest are loaded by `load`. */
  lms?: ReadonlyMap<string, LM>;
  modelName: string;
  /** The `pnpm bench` results that /bench plots. */
  benchDir?: string;
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface WebServerHandle {
  url: string;
  pool: BackendPool;
  /** Stops listening and disposes every loaded LM. */
  close(): Promise<void>;
}

/** Builds the backend pool and the web server and listens; resolves once the port is open. */
export async function startWebServer(options: StartWebServerOptions): Promise<WebServerHandle> {
  const pool = new BackendPool(options.backends, options.load, options.lms);
  const server = createWebServer({ ...options, pool });
  const host = options.host ?? '127.0.0.1';
  server.listen(options.port ?? 0, host);
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    pool,
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.dispose();
    },
  };
}
