import { type BackendName, defaultModelPath, loadBackend } from '../backends.js';
import { startWebServer } from '../web/start-web-server.js';

export interface WebCommandOptions {
  model?: string;
  backends: readonly BackendName[];
  threads?: number;
  host: string;
  port: number;
  /** The `pnpm bench` results folder that /bench plots. */
  benchDir?: string;
  out: NodeJS.WritableStream;
}

/** The web playground: one signature, several backends side by side; each backend loads on first use. */
export async function webCommand(options: WebCommandOptions): Promise<number> {
  const modelPath = options.model ?? defaultModelPath;
  const modelName = modelPath.split('/').at(-1)!;
  const handle = await startWebServer({
    backends: options.backends,
    load: (name) => loadBackend(name as BackendName, modelPath, { threads: options.threads }),
    modelName,
    host: options.host,
    port: options.port,
    benchDir: options.benchDir,
  });
  options.out.write(`x playground on ${handle.url}/ (${modelName}; ${options.backends.join(', ')})\n`);
  const stop = async () => {
    await handle.close();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
  return 0;
}
