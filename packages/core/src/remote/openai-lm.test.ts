import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chatChunk, FakeServer, sendJSON, sendSSE } from './__fixtures__/fake-server.js';
import { OpenAILM } from './openai-lm.js';

let server: FakeServer;
beforeAll(async () => {
  server = await FakeServer.start();
});
afterAll(() => server.close());

const lmFor = (extra: Partial<ConstructorParameters<typeof OpenAILM>[0]> = {}) =>
  new OpenAILM({
    baseURL: server.baseURL,
    model: 'tiny',
    apiKey: 'sk-test',
    retry: { baseDelayMs: 1 },
    ...extra,
  });

describe('OpenAILM against a real HTTP server', () => {
  it('generates through chat/completions and maps the response', async () => {
    server.handle((_request, response) =>
      sendJSON(response, 200, {
        choices: [{ index: 0, message: { role: 'assistant', content: 'Paris' }, finish_reason: 'length' }],
        usage: { prompt_tokens: 12, completion_tokens: 3 },
      }),
    );
    const lm = lmFor({ headers: { 'x-extra': 'yes' }, defaults: { temperature: 0.3 } });
    const result = await lm.generate([{ role: 'user', content: 'Capital of France?' }], {
      maxTokens: 3,
      stop: ['\n'],
    });
    expect(result).toMatchObject({
      text: 'Paris',
      finishReason: 'length',
      usage: { promptTokens: 12, completionTokens: 3 },
    });
    expect(result.timings.totalMs).toBeGreaterThanOrEqual(0);
    const [request] = server.requests;
    expect(request?.path).toBe('/v1/chat/completions');
    expect(request?.headers.authorization).toBe('Bearer sk-test');
    expect(request?.headers['x-extra']).toBe('yes');
    expect(request?.body).toEqual({
      model: 'tiny',
      messages: [{ role: 'user', content: 'Capital of France?' }],
      max_tokens: 3,
      temperature: 0.3,
      stop: ['\n'],
    });
  });

  it('completes raw prompts through completions and reads llama.cpp timings', async () => {
    server.handle((_request, response) =>
      sendJSON(response, 200, {
        choices: [{ index: 0, text: ' world', finish_reason: 'stop' }],
        timings: { predicted_per_second: 42.5, prompt_per_second: 900 },
      }),
    );
    const result = await lmFor().complete('hello', { seed: 7, topK: 5 });
    expect(result.text).toBe(' world');
    expect(result.timings.tokensPerSecond).toBe(42.5);
    expect(result.timings.prefillTokensPerSecond).toBe(900);
    expect(result.usage.completionTokens).toBeGreaterThan(0);
    expect(server.requests[0]?.path).toBe('/v1/completions');
    expect(server.requests[0]?.body).toMatchObject({ prompt: 'hello', seed: 7, top_k: 5 });
  });

  it('streams deltas from SSE split across chunk boundaries', async () => {
    const body =
      ': comment\n\n' +
      chatChunk('Hel') +
      chatChunk('lo, ') +
      chatChunk('wörld', 'stop') +
      `data: ${JSON.stringify({ choices: [], usage: { prompt_tokens: 5, completion_tokens: 3 } })}\n\n` +
      'data: [DONE]\n\n';
    const bytes = Buffer.from(body);
    const umlaut = bytes.indexOf(Buffer.from('ö')) + 1;
    // Cut inside the multi-byte ö and inside "data:" lines.
    const cuts = [7, 30, umlaut, umlaut + 20, bytes.length - 8];
    server.handle(async (_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      let from = 0;
      for (const cut of [...cuts, bytes.length]) {
        response.write(bytes.subarray(from, cut));
        from = cut;
        await new Promise((resolve) => setTimeout(resolve, 3));
      }
      response.end();
    });
    const stream = lmFor().stream([{ role: 'user', content: 'hi' }]);
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    expect(deltas).toEqual(['Hel', 'lo, ', 'wörld']);
    const result = await stream.result;
    expect(result).toMatchObject({
      text: 'Hello, wörld',
      finishReason: 'stop',
      usage: { promptTokens: 5, completionTokens: 3 },
    });
    expect(result.timings.ttftMs).toBeGreaterThan(0);
    expect(result.timings.tokensPerSecond).toBeGreaterThan(0);
    expect(server.requests[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });

  it('streams raw completions and counts chunks when the server sends no usage', async () => {
    server.handle((_request, response) =>
      sendSSE(response, [
        `data: ${JSON.stringify({ choices: [{ text: 'a' }] })}\n\n`,
        `data: ${JSON.stringify({ choices: [{ text: 'b', finish_reason: 'length' }] })}\n\ndata: [DONE]\n\n`,
      ]),
    );
    const result = await lmFor().streamComplete('p').result;
    expect(result).toMatchObject({ text: 'ab', finishReason: 'length', usage: { completionTokens: 2 } });
  });

  it('counts tokens with vLLM and llama.cpp tokenize endpoints, else estimates', async () => {
    server.handle((request, response) => {
      const body = request.body as Record<string, unknown>;
      if (request.path === '/tokenize' && body.messages) return sendJSON(response, 200, { count: 17 });
      if (request.path === '/tokenize') return sendJSON(response, 200, { tokens: [1, 2, 3, 4] });
      sendJSON(response, 404, { error: 'not found' });
    });
    const lm = lmFor();
    expect(await lm.countTokens('four token text')).toBe(4);
    expect(await lm.countTokens([{ role: 'user', content: 'x' }])).toBe(17);
    expect(server.requests[0]?.body).toMatchObject({
      model: 'tiny',
      prompt: 'four token text',
      content: 'four token text',
    });

    server.handle((request, response) => {
      if (request.path === '/apply-template') return sendJSON(response, 200, { prompt: '<|user|>x' });
      if (request.path === '/tokenize' && (request.body as { content?: string }).content === '<|user|>x') {
        return sendJSON(response, 200, { tokens: [5, 6] });
      }
      sendJSON(response, 200, { tokens: [] });
    });
    expect(await lm.countTokens([{ role: 'user', content: 'x' }])).toBe(2);

    server.handle((_request, response) => sendJSON(response, 404, { error: 'not found' }));
    expect(await lm.countTokens('12345678')).toBe(2);
    expect(await lm.countTokens('1234')).toBe(1);
    expect(server.requests).toHaveLength(1);
    expect(await lmFor({ tokenizeURL: false }).countTokens([{ role: 'user', content: '1234' }])).toBe(5);
  });
});
