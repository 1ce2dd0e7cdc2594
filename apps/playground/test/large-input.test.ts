import type { LM } from '@x/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath, loadBackend } from '../src/backends.js';
import { postJson, startOpenAIServer, type TestServer } from './start-openai-server.js';

// Issue #11 item 3: a 15 MiB message used to be tokenized on the event loop, stalling /health for seconds.
let lm: LM;
let server: TestServer;
beforeAll(async () => {
  lm = await loadBackend('reference', defaultModelPath, { threads: 1 });
  server = await startOpenAIServer(lm, { bodyLimit: 32 * 2 ** 20 });
});
afterAll(async () => {
  await server.close();
  await lm.dispose();
});

describe('a message far larger than the context', () => {
  it('is refused from its size without tokenizing, and /health keeps answering', async () => {
    const content = 'Lily went to the park. '.repeat(Math.ceil((15 * 2 ** 20) / 23));
    const started = performance.now();
    const [answer, health] = await Promise.all([
      postJson(`${server.base}/chat/completions`, { messages: [{ role: 'user', content }] }),
      new Promise((resolve) => setTimeout(resolve, 50)).then(async () => {
        const asked = performance.now();
        await fetch(`${server.origin}/health`);
        return performance.now() - asked;
      }),
    ]);
    expect(answer.status).toBe(400);
    expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('context_length_exceeded');
    expect(performance.now() - started).toBeLessThan(5000);
    expect(health).toBeLessThan(2000);
  });

  it('is refused with 413 under the default limit before the body is read', async () => {
    const small = await startOpenAIServer(lm);
    try {
      const response = await postJson(`${small.base}/completions`, { prompt: 'x'.repeat(2 * 2 ** 20) });
      expect(response.status).toBe(413);
    } finally {
      await small.close();
    }
  });
});
