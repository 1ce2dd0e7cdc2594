import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { ContextLengthError } from '@x/core';
import { ScriptedLM } from '@x/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenAIServer } from './create-server.js';

const servers: Array<{ close(): void }> = [];
afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

async function start(lm: ScriptedLM): Promise<string> {
  const server = createOpenAIServer(lm, 'scripted');
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
}

interface CompletionBody {
  object: string;
  choices: Array<{ message?: unknown; text?: string }>;
  usage: { completion_tokens: number };
  error: { code: string };
}

const json = async (response: Response) => (await response.json()) as CompletionBody;

const post = (url: string, body: unknown) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

describe('OpenAI-compatible server', () => {
  it('answers a chat completion with usage', async () => {
    const base = await start(new ScriptedLM({ responses: ['Paris is the capital.'] }));
    const response = await post(`${base}/chat/completions`, {
      messages: [{ role: 'user', content: 'Capital?' }],
    });
    expect(response.status).toBe(200);
    const body = await json(response);
    expect(body.object).toBe('chat.completion');
    expect(body.choices[0]?.message).toEqual({ role: 'assistant', content: 'Paris is the capital.' });
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
  });

  it('streams chat deltas as server-sent events that add up to the text', async () => {
    const base = await start(new ScriptedLM({ responses: ['one two three four'], chunkSize: 3 }));
    const response = await post(`${base}/chat/completions`, {
      messages: [{ role: 'user', content: 'count' }],
      stream: true,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const events = (await response.text()).split('\n\n').filter(Boolean);
    expect(events.at(-1)).toBe('data: [DONE]');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice('data: '.length)));
    const text = chunks.map((chunk) => chunk.choices[0].delta.content ?? '').join('');
    expect(text).toBe('one two three four');
    expect(chunks.length).toBeGreaterThan(3);
    expect(chunks.at(-1).choices[0].finish_reason).toBe('stop');
  });

  it('answers a text completion', async () => {
    const base = await start(new ScriptedLM({ responses: ['upon a time'] }));
    const body = await json(await post(`${base}/completions`, { prompt: 'Once' }));
    expect(body.choices[0]?.text).toBe('upon a time');
  });

  it('maps a context overflow to 400 context_length_exceeded', async () => {
    const lm = new ScriptedLM({
      responses: [new ContextLengthError({ promptTokens: 900, contextLength: 512 })],
    });
    const base = await start(lm);
    const response = await post(`${base}/chat/completions`, { messages: [{ role: 'user', content: 'x' }] });
    expect(response.status).toBe(400);
    expect((await json(response)).error.code).toBe('context_length_exceeded');
  });

  it('rejects malformed bodies with 400 and unknown routes with 404', async () => {
    const base = await start(new ScriptedLM({ responses: ['unused'] }));
    const bad = await fetch(`${base}/chat/completions`, { method: 'POST', body: '{not json' });
    expect(bad.status).toBe(400);
    const noMessages = await post(`${base}/chat/completions`, { prompt: 'x' });
    expect(noMessages.status).toBe(400);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
  });
});
