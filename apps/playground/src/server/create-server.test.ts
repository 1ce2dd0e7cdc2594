import { connect } from 'node:net';
import { ContextLengthError, OutOfMemoryError, QueueFullError } from '@x/core';
import { ScriptedLM } from '@x/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, sseData, startOpenAIServer, type TestServer } from '../../test/start-openai-server.js';
import { ModelPool } from './model-pool.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

async function start(lm: ScriptedLM | undefined, options: Parameters<typeof startOpenAIServer>[1] = {}) {
  const server = await startOpenAIServer(lm, options);
  servers.push(server);
  return server;
}

// biome-ignore lint/suspicious/noExplicitAny: response bodies are checked field by field
type Json = any;
const json = async (response: Response): Promise<Json> => response.json();
const user = (content: unknown) => ({ messages: [{ role: 'user', content }] });

describe('OpenAI-compatible server', () => {
  it('answers a chat completion with usage', async () => {
    const { base } = await start(new ScriptedLM({ responses: ['Paris is the capital.'] }));
    const response = await postJson(`${base}/chat/completions`, user('Capital?'));
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.object).toBe('chat.completion');
    expect(body.model).toBe('scripted');
    expect(body.choices[0].message).toMatchObject({ role: 'assistant', content: 'Paris is the capital.' });
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('streams chat deltas that add up to the text and ends with [DONE]', async () => {
    const { base } = await start(new ScriptedLM({ responses: ['one two three four'], chunkSize: 3 }));
    const response = await postJson(`${base}/chat/completions`, {
      ...user('count'),
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const events = await sseData(response);
    expect(events.at(-1)).toBe('[DONE]');
    const chunks = events.slice(0, -1) as Json[];
    const text = chunks.map((chunk) => chunk.choices[0]?.delta.content ?? '').join('');
    expect(text).toBe('one two three four');
    expect(chunks.at(-2).choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { completion_tokens: 4 } });
  });

  it('answers a text completion, and n choices for each prompt', async () => {
    const { base } = await start(
      new ScriptedLM({ responses: (call) => `${call.prompt}:${call.options.seed}`, chunkSize: 2 }),
    );
    const body = await json(await postJson(`${base}/completions`, { prompt: 'Once' }));
    expect(body.choices[0].text).toBe('Once:undefined');
    const many = await json(await postJson(`${base}/completions`, { prompt: ['a', 'b'], n: 2, seed: 7 }));
    expect(many.choices.map((choice: Json) => [choice.index, choice.text])).toEqual([
      [0, 'a:7'],
      [1, 'a:8'],
      [2, 'b:7'],
      [3, 'b:8'],
    ]);
    const streamed = await sseData(
      await postJson(`${base}/completions`, { prompt: 'x', n: 2, seed: 1, stream: true }),
    );
    const texts = ['', ''];
    for (const chunk of streamed.slice(0, -1) as Json[])
      texts[chunk.choices[0].index] += chunk.choices[0].text;
    expect(texts).toEqual(['x:1', 'x:2']);
  });

  it('maps a context overflow to 400 context_length_exceeded', async () => {
    const lm = new ScriptedLM({
      responses: [new ContextLengthError({ promptTokens: 900, contextLength: 512 })],
    });
    const { base } = await start(lm);
    const response = await postJson(`${base}/chat/completions`, user('x'));
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('context_length_exceeded');
  });

  it('refuses input too large for the context from its byte count, before the LM sees it', async () => {
    const lm = new ScriptedLM({ responses: ['unused'], contextLength: 16 });
    const { base } = await start(lm);
    const response = await postJson(`${base}/completions`, { prompt: 'x'.repeat(16 * 64 + 1) });
    expect(response.status).toBe(400);
    expect(await json(response)).toMatchObject({
      error: { code: 'context_length_exceeded', param: 'prompt' },
    });
    expect(lm.calls).toHaveLength(0);
  });

  it('answers a full queue with 429 and Retry-After', async () => {
    const lm = new ScriptedLM({ responses: [new QueueFullError({ queueLimit: 8, retryAfterMs: 2500 })] });
    const { base } = await start(lm);
    const response = await postJson(`${base}/chat/completions`, { ...user('x'), stream: true });
    expect(response.status).toBe(429);
    expect(response.headers.get('retry-after')).toBe('3');
    expect(await json(response)).toMatchObject({ error: { type: 'rate_limit_error', code: 'queue_full' } });
  });

  it('answers KV memory that preemption could not free with 503 out_of_memory', async () => {
    const tooLarge = new OutOfMemoryError('the request needs 90 tokens of KV cache', {
      neededBytes: 9000,
      limitBytes: 4000,
    });
    const engine = new OutOfMemoryError('candle-native ran out of memory: kv grow failed');
    const lm = new ScriptedLM({ responses: [tooLarge, engine] });
    const { base } = await start(lm);
    const whole = await postJson(`${base}/chat/completions`, user('x'));
    expect(whole.status).toBe(503);
    expect(whole.headers.get('retry-after')).toBeNull();
    const { error } = await json(whole);
    expect(error).toEqual({
      type: 'server_error',
      code: 'out_of_memory',
      param: null,
      message: expect.stringMatching(/shorter prompt or a lower max_tokens.*90 tokens of KV cache/),
    });
    const transient = await postJson(`${base}/completions`, { prompt: 'x' });
    expect(transient.status).toBe(503);
    expect(transient.headers.get('retry-after')).toBe('1');
    expect(await json(transient)).toMatchObject({
      error: { code: 'out_of_memory', message: expect.stringMatching(/retry later.*kv grow failed/) },
    });
  });

  it('ends a stream that runs out of KV memory with an out_of_memory error event', async () => {
    const error = new OutOfMemoryError('needs more than kvMemoryBytes', {
      neededBytes: 2,
      limitBytes: 1,
      partialText: 'one two',
    });
    const lm = new ScriptedLM({ responses: [{ text: 'one two', error }], chunkSize: 4 });
    const { base } = await start(lm);
    const response = await postJson(`${base}/chat/completions`, { ...user('x'), stream: true });
    expect(response.status).toBe(200);
    const events = (await sseData(response)) as Json[];
    expect(events).not.toContain('[DONE]');
    const text = events.slice(0, -1).map((chunk) => chunk.choices[0]?.delta.content ?? '');
    expect(text.join('')).toBe('one two');
    expect(events.at(-1)).toEqual({
      error: { type: 'server_error', code: 'out_of_memory', param: null, message: expect.any(String) },
    });
  });

  it.each([
    ['a null body', 'null', null],
    ['a non-JSON body', '{not json', null],
    ['messages: [null]', { messages: [null] }, 'messages[0]'],
    ['messages: []', { messages: [] }, 'messages'],
    ['temperature: "hot"', { ...user('x'), temperature: 'hot' }, 'temperature'],
    ['max_tokens: 1.5', { ...user('x'), max_tokens: 1.5 }, 'max_tokens'],
    ['stop: 42', { ...user('x'), stop: 42 }, 'stop'],
    [
      'an image part',
      user([{ type: 'image_url', image_url: { url: 'https://x/y.png' } }]),
      'messages[0].content[0]',
    ],
    ['tools', { ...user('x'), tools: [] }, 'tools'],
  ])('answers %s with 400 invalid_request_error naming the parameter', async (_, body, param) => {
    const lm = new ScriptedLM({ responses: ['unused'] });
    const { base } = await start(lm);
    const response = await postJson(`${base}/chat/completions`, body);
    expect(response.status).toBe(400);
    const { error } = await json(response);
    expect(error).toMatchObject({ type: 'invalid_request_error', param });
    expect(Object.keys(error).sort()).toEqual(['code', 'message', 'param', 'type']);
    expect(lm.calls).toHaveLength(0);
  });

  it('treats null parameters as defaults', async () => {
    const lm = new ScriptedLM({ responses: ['ok'] });
    const { base } = await start(lm);
    const response = await postJson(`${base}/chat/completions`, {
      ...user('x'),
      temperature: null,
      max_tokens: null,
    });
    expect(response.status).toBe(200);
    expect(lm.calls[0]!.options.temperature).toBeUndefined();
  });

  it('refuses a body over the limit with 413 before reading it', async () => {
    const { base } = await start(new ScriptedLM({ responses: ['unused'] }), { bodyLimit: 1000 });
    const response = await postJson(`${base}/chat/completions`, user('x'.repeat(2000)));
    expect(response.status).toBe(413);
    expect((await json(response)).error.code).toBe('request_too_large');
  });

  it('cuts a client that sends its body too slowly', async () => {
    const { origin } = await start(new ScriptedLM({ responses: ['unused'] }), { requestTimeoutMs: 300 });
    const { port } = new URL(origin);
    const socket = connect(Number(port), '127.0.0.1');
    socket.write('POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\n{"mess');
    let answer = '';
    socket.on('data', (data) => {
      answer += data;
    });
    const started = Date.now();
    await new Promise((resolve) => socket.on('close', resolve));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('lists models, returns one by id, and 404s unknown models and routes with a code', async () => {
    const lm = new ScriptedLM({ responses: ['ok'], whenExhausted: 'repeat-last' });
    const { base, origin } = await start(lm, { name: 'tiny' });
    expect((await json(await fetch(`${base}/models`))).data.map((model: Json) => model.id)).toEqual(['tiny']);
    expect(await json(await fetch(`${base}/models/tiny`))).toMatchObject({ id: 'tiny', object: 'model' });
    const missing = await fetch(`${base}/models/gpt-4`);
    expect(missing.status).toBe(404);
    expect((await json(missing)).error).toMatchObject({ code: 'model_not_found', type: 'not_found_error' });
    const unknown = await postJson(`${base}/chat/completions`, { ...user('x'), model: 'gpt-4' });
    expect(unknown.status).toBe(404);
    expect((await json(unknown)).error).toMatchObject({ code: 'model_not_found', param: 'model' });
    const route = await fetch(`${origin}/nothing`);
    expect(route.status).toBe(404);
    expect((await json(route)).error.code).toBe('unknown_route');
    expect((await fetch(`${base}/chat/completions`)).status).toBe(405);
  });

  it('serves any model name when asked to', async () => {
    const { base } = await start(new ScriptedLM({ responses: ['ok'] }), {
      serveAnyModel: true,
      name: 'tiny',
    });
    const response = await postJson(`${base}/chat/completions`, { ...user('x'), model: 'gpt-4' });
    expect(response.status).toBe(200);
    expect((await json(response)).model).toBe('tiny');
  });

  it('sends no CORS headers by default and allows only the given origins', async () => {
    const closed = await start(new ScriptedLM({ responses: ['ok'] }));
    const plain = await fetch(`${closed.base}/models`, { headers: { origin: 'https://evil.example' } });
    expect(plain.headers.get('access-control-allow-origin')).toBeNull();
    const open = await start(new ScriptedLM({ responses: ['ok'] }), { corsOrigins: ['https://app.example'] });
    const allowed = await fetch(`${open.base}/models`, { headers: { origin: 'https://app.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
    const preflight = await fetch(`${open.base}/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin: 'https://app.example', 'access-control-request-method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    const other = await fetch(`${open.base}/models`, { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('serves /health and Prometheus /metrics that count requests and tokens', async () => {
    const { base, origin } = await start(new ScriptedLM({ responses: ['one two three'] }));
    expect(await json(await fetch(`${origin}/health`))).toMatchObject({ status: 'ok', models: ['scripted'] });
    await postJson(`${base}/chat/completions`, user('x'));
    await postJson(`${base}/chat/completions`, { messages: [] });
    const metrics = await (await fetch(`${origin}/metrics`)).text();
    expect(metrics).toContain('x_http_requests_total{route="/v1/chat/completions",status="200"} 1');
    expect(metrics).toContain('x_http_requests_total{route="/v1/chat/completions",status="400"} 1');
    expect(metrics).toContain('x_completion_tokens_total 3');
    expect(metrics).toMatch(/x_requests_waiting 0\n/);
    expect(metrics).toMatch(/process_resident_memory_bytes \d+/);
  });

  it('picks the model by request `model` from the pool', async () => {
    const pool = new ModelPool([
      { name: 'a', bytes: 1, load: async () => new ScriptedLM({ responses: ['from a'] }) },
      { name: 'b', bytes: 1, load: async () => new ScriptedLM({ responses: ['from b'] }) },
    ]);
    const { base } = await start(undefined, { pool });
    const b = await json(await postJson(`${base}/chat/completions`, { ...user('x'), model: 'b' }));
    expect(b).toMatchObject({ model: 'b', choices: [{ message: { content: 'from b' } }] });
    expect(pool.loaded).toEqual(['b']);
  });
});

describe('metrics from an LM that reports stats', () => {
  it('exports each numeric stat, nested ones joined by _', async () => {
    const lm = new ScriptedLM({ responses: ['ok'] });
    Object.assign(lm, { stats: () => ({ queued: 2, kv: { usedCells: 10, totalCells: 64 }, name: 'x' }) });
    const server = await startOpenAIServer(lm, { name: 'tiny' });
    servers.push(server);
    await postJson(`${server.base}/chat/completions`, user('load it'));
    const text = await (await fetch(`${server.origin}/metrics`)).text();
    expect(text).toContain('x_lm_queued{model="tiny"} 2');
    expect(text).toContain('x_lm_kv_used_cells{model="tiny"} 10');
    expect(text).toContain('x_lm_kv_total_cells{model="tiny"} 64');
    expect(text).not.toContain('x_lm_name');
  });
});
