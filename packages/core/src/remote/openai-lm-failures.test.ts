import { createServer } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { ContextLengthError } from '../errors/context-length-error.js';
import { LMError } from '../errors/lm-error.js';
import { chatChunk, FakeServer, pause, sendJSON, sendSSE } from './__fixtures__/fake-server.js';
import { OpenAILM } from './openai-lm.js';

let server: FakeServer;
beforeAll(async () => {
  server = await FakeServer.start();
});
afterAll(() => server.close());

const user = [{ role: 'user' as const, content: 'q' }];
const ok = { choices: [{ message: { content: 'fine' }, finish_reason: 'stop' }] };
const lmFor = (extra: Partial<ConstructorParameters<typeof OpenAILM>[0]> = {}) =>
  new OpenAILM({
    baseURL: server.baseURL,
    model: 'tiny',
    retry: { baseDelayMs: 1, maxDelayMs: 4 },
    ...extra,
  });

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable('should have failed'),
    (error: unknown) => error,
  );
}

describe('OpenAILM failures against a real HTTP server', () => {
  it('retries a 503 and then succeeds', async () => {
    server.handle((_request, response) =>
      server.requests.length === 1
        ? sendJSON(response, 503, { error: { message: 'warming up' } })
        : sendJSON(response, 200, ok),
    );
    expect((await lmFor().generate(user)).text).toBe('fine');
    expect(server.requests).toHaveLength(2);
  });

  it('waits as long as Retry-After says on a 429', async () => {
    server.handle((_request, response) =>
      server.requests.length === 1
        ? sendJSON(response, 429, { error: { message: 'slow down' } }, { 'retry-after': '1' })
        : sendJSON(response, 200, ok),
    );
    const started = performance.now();
    expect((await lmFor({ retry: { baseDelayMs: 1, random: () => 0 } }).generate(user)).text).toBe('fine');
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    expect(server.requests).toHaveLength(2);
  });

  it('gives up after maxRetries with the status in an LMError', async () => {
    server.handle((_request, response) => sendJSON(response, 502, { error: { message: 'bad gateway' } }));
    const error = await failure(lmFor({ retry: { maxRetries: 2, baseDelayMs: 1 } }).generate(user));
    expect(LMError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ status: 502, retryable: true });
    expect((error as Error).message).toContain('bad gateway');
    expect(server.requests).toHaveLength(3);
  });

  it('does not retry a plain 400', async () => {
    server.handle((_request, response) => sendJSON(response, 400, { error: { message: 'bad temperature' } }));
    expect(await failure(lmFor().generate(user))).toMatchObject({ status: 400, retryable: false });
    expect(server.requests).toHaveLength(1);
  });

  it('retries network errors', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    let calls = 0;
    const counting: typeof fetch = (input, init) => {
      calls++;
      return fetch(input, init);
    };
    const lm = new OpenAILM({
      baseURL: `http://127.0.0.1:${port}/v1`,
      model: 'm',
      fetch: counting,
      retry: { baseDelayMs: 1 },
    });
    const error = await failure(lm.generate(user));
    expect(LMError.isInstance(error) && error.retryable).toBe(true);
    expect(calls).toBe(3);
  });

  it('times out a silent server, once per attempt', async () => {
    server.handle(() => {});
    const started = performance.now();
    const error = await failure(
      lmFor({ timeoutMs: 100, retry: { maxRetries: 1, baseDelayMs: 1 } }).generate(user),
    );
    expect(LMError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain('100 ms');
    expect(server.requests).toHaveLength(2);
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it('times out a stream that goes silent, but not one that keeps talking', async () => {
    server.handle((_request, response) => sendSSE(response, [chatChunk('a'), chatChunk('b')], 800));
    const error = await failure(lmFor({ timeoutMs: 300 }).stream(user).result);
    expect(LMError.isInstance(error) && (error as Error).message).toContain('300 ms');

    server.handle((_request, response) =>
      sendSSE(
        response,
        [chatChunk('a'), chatChunk('b'), chatChunk('c'), chatChunk('d', 'stop'), 'data: [DONE]\n\n'],
        120,
      ),
    );
    expect((await lmFor({ timeoutMs: 300 }).stream(user).result).text).toBe('abcd');
  });

  it('aborts mid-stream with the partial text and closes the connection', async () => {
    let closed = false;
    server.handle(async (_request, response, raw) => {
      raw.socket.on('close', () => {
        closed = true;
      });
      await sendSSE(
        response,
        Array.from({ length: 50 }, (_, i) => chatChunk(`${i},`)),
        10,
      );
    });
    const controller = new AbortController();
    const stream = lmFor().stream(user, { signal: controller.signal });
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of stream) {
          seen.push(delta);
          if (seen.length === 3) controller.abort();
        }
      })(),
    );
    expect(AbortError.isInstance(error)).toBe(true);
    expect(seen).toEqual(['0,', '1,', '2,']);
    const resultError = await failure(stream.result);
    expect((resultError as AbortError).partialText.startsWith('0,1,2,')).toBe(true);
    await vi.waitFor(() => expect(closed).toBe(true));
  });

  it('rejects at once when the signal has already fired, and aborts a retry wait', async () => {
    server.handle((_request, response) => sendJSON(response, 200, ok));
    const controller = new AbortController();
    controller.abort();
    expect(AbortError.isInstance(await failure(lmFor().generate(user, { signal: controller.signal })))).toBe(
      true,
    );
    expect(server.requests).toHaveLength(0);

    server.handle((_request, response) => sendJSON(response, 503, {}, { 'retry-after': '30' }));
    const waiting = new AbortController();
    const pending = lmFor().generate(user, { signal: waiting.signal });
    await pause(100);
    waiting.abort();
    expect(AbortError.isInstance(await failure(pending))).toBe(true);
  });

  it.each([
    [
      'vLLM',
      {
        object: 'error',
        message:
          "This model's maximum context length is 2048 tokens. However, you requested 2100 tokens (2000 in the messages, 100 in the completion). Please reduce the length of the messages or completion.",
        type: 'BadRequestError',
        code: 400,
      },
      { contextLength: 2048, promptTokens: 2000, maxTokens: 100 },
    ],
    [
      'OpenAI',
      {
        error: {
          message:
            "This model's maximum context length is 8192 tokens. However, your messages resulted in 9000 tokens.",
          type: 'invalid_request_error',
          code: 'context_length_exceeded',
        },
      },
      { contextLength: 8192, promptTokens: 9000 },
    ],
    [
      'llama.cpp',
      {
        error: {
          code: 400,
          message: 'the request exceeds the available context size, try increasing it',
          type: 'exceed_context_size_error',
          n_prompt_tokens: 600,
          n_ctx: 512,
        },
      },
      { contextLength: 512, promptTokens: 600 },
    ],
  ])('maps a %s context overflow to ContextLengthError without retrying', async (_name, body, expected) => {
    server.handle((_request, response) => sendJSON(response, 400, body));
    const error = await failure(lmFor().generate(user));
    expect(ContextLengthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject(expected);
    expect(server.requests).toHaveLength(1);
  });

  it('maps an error event inside a stream', async () => {
    server.handle((_request, response) =>
      sendSSE(response, [
        chatChunk('x'),
        `data: ${JSON.stringify({ error: { message: 'decoder prompt (length 900) is longer than the maximum model length of 512' } })}\n\n`,
      ]),
    );
    expect(await failure(lmFor().stream(user).result)).toMatchObject({
      promptTokens: 900,
      contextLength: 512,
    });
    server.handle((_request, response) =>
      sendSSE(response, [`data: ${JSON.stringify({ error: { message: 'engine crashed' } })}\n\n`]),
    );
    const error = await failure(lmFor().stream(user).result);
    expect(LMError.isInstance(error) && (error as Error).message).toContain('engine crashed');
  });

  it('fails on malformed SSE data with an LMError naming it, ignoring unknown SSE fields', async () => {
    server.handle((_request, response) =>
      sendSSE(response, ['garbage line without colon\n', chatChunk('ok'), 'data: {"choices": [oops\n\n']),
    );
    const stream = lmFor().stream(user);
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of stream) seen.push(delta);
      })(),
    );
    expect(seen).toEqual(['ok']);
    expect(LMError.isInstance(error) && (error as Error).message).toContain('{"choices": [oops');
  });

  it('fails with an LMError when the connection drops mid-stream, keeping what was sent', async () => {
    server.handle(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.write(chatChunk('so far'));
      await pause(20);
      response.socket?.destroy();
    });
    const stream = lmFor().stream(user);
    const seen: string[] = [];
    const error = await failure(
      (async () => {
        for await (const delta of stream) seen.push(delta);
      })(),
    );
    expect(seen).toEqual(['so far']);
    expect(LMError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);
  });

  it('fails when the stream ends before [DONE] or a finish reason', async () => {
    server.handle((_request, response) => sendSSE(response, [chatChunk('half')]));
    expect(((await failure(lmFor().stream(user).result)) as Error).message).toContain('ended before');
  });

  it('fails with an LMError when a response has no text', async () => {
    server.handle((_request, response) => sendJSON(response, 200, { choices: [] }));
    expect(LMError.isInstance(await failure(lmFor().generate(user)))).toBe(true);
  });
});
