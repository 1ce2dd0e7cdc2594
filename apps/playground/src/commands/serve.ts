import { once } from 'node:events';
import { type BackendName, defaultModelPath, loadBackend } from '../backends.js';
import { createOpenAIServer } from '../server/create-server.js';

export interface ServeCommandOptions {
  model?: string;
  backend: BackendName;
  threads?: number;
  host: string;
  port: number;
  out: NodeJS.WritableStream;
}

/** An OpenAI-compatible server on one local model; concurrent requests share decode steps. */
export async function serveCommand(options: ServeCommandOptions): Promise<number> {
  const modelPath = options.model ?? defaultModelPath;
  const lm = await loadBackend(options.backend, modelPath, { threads: options.threads });
  const modelName = modelPath
    .split('/')
    .at(-1)!
    .replace(/\.gguf$/, '');
  const server = createOpenAIServer(lm, modelName);
  server.listen(options.port, options.host);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : options.port;
  options.out.write(`serving ${modelName} (${options.backend}) on http://${options.host}:${port}/v1\n`);
  const stop = async () => {
    server.close();
    await lm.dispose();
    process.exit(0);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  await new Promise(() => {});
  return 0;
}
