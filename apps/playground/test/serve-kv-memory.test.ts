import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const appDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** `x-playground serve` in its own process, as a user starts it; resolves with its base URL. */
async function startServe(...args: string[]): Promise<{ child: ChildProcess; base: string }> {
  const tsx = path.join(appDir, 'node_modules/.bin/tsx');
  const child = spawn(tsx, ['--conditions=x-source', 'src/cli.ts', 'serve', '--port', '0', ...args], {
    cwd: appDir,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const url = /on (http:\/\/\S+\/v1)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${output}`)));
  });
  return { child, base };
}

const complete = (base: string, prompt: string) =>
  fetch(`${base}/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt, max_tokens: 8 }),
  });

describe('serve --kv-memory (reference backend, stories260K: 1280 bytes of KV per token)', () => {
  let server: { child: ChildProcess; base: string };
  beforeAll(async () => {
    // 40 KiB = 32 tokens of KV
    server = await startServe('--backend', 'reference', '--kv-memory', '40KiB');
  }, 60_000);
  afterAll(async () => {
    if (server.child.exitCode !== null) return;
    server.child.kill('SIGTERM');
    await once(server.child, 'exit');
  });

  it('answers a request that fits the budget', async () => {
    const response = await complete(server.base, 'Once upon');
    expect(response.status).toBe(200);
    const body = (await response.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect(body.usage.prompt_tokens + body.usage.completion_tokens).toBeLessThanOrEqual(32);
  });

  it('answers 503 out_of_memory, without Retry-After, to a prompt larger than the budget', async () => {
    const response = await complete(server.base, 'Once upon a time there was a little girl. '.repeat(3));
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBeNull();
    const { error } = (await response.json()) as { error: Record<string, unknown> };
    expect(error).toMatchObject({ type: 'server_error', code: 'out_of_memory', param: null });
    expect(error.message).toMatch(/\(40960 bytes, 32 tokens\)/);
  });
});
