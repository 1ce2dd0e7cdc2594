import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LMError } from '@x/core';
import { ScriptedLM } from '@x/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { postJson, readSseEvents, resultOf } from '../../test/read-sse-events.js';
import { benchRun } from '../bench/__fixtures__/bench-run.js';
import type { SignatureDescription } from './describe-signature.js';
import { startWebServer, type WebServerHandle } from './start-web-server.js';

const handles: WebServerHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

const answer = '[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]';

async function start(
  lms: Record<string, ScriptedLM>,
  extra: string[] = [],
  limits: { bodyLimit?: number } = {},
): Promise<string> {
  const handle = await startWebServer({
    ...limits,
    backends: [...Object.keys(lms), ...extra],
    load: async (name) => {
      throw new LMError(`cannot load ${name}`);
    },
    lms: new Map(Object.entries(lms)),
    modelName: 'scripted.gguf',
  });
  handles.push(handle);
  return handle.url;
}

const run = (url: string, body: Record<string, unknown>) =>
  postJson(`${url}/api/run`, {
    signature: 'question -> answer',
    inputs: { question: 'Capital of France?' },
    ...body,
  });

interface ErrorBody {
  error: { code: string; param: string | null; type: string };
}

describe('web playground server (scripted LM)', () => {
  it('serves the page with the signature form', async () => {
    const url = await start({ scripted: new ScriptedLM({ responses: [] }) });
    const response = await fetch(`${url}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
    const html = await response.text();
    expect(html).toContain('<form id="run-form">');
    expect(html).toContain('id="signature"');
    expect(html).toContain('<script type="module">');
    const backends = await (await fetch(`${url}/api/backends`)).json();
    expect(backends).toEqual({ model: 'scripted.gguf', backends: ['scripted'] });
  });

  it('parses a signature and rejects a malformed one with 400', async () => {
    const url = await start({ scripted: new ScriptedLM({ responses: [] }) });
    const good = await postJson(`${url}/api/signature`, {
      signature: 'question, n: int -> answer: list[str]',
    });
    expect(good.status).toBe(200);
    const description = (await good.json()) as SignatureDescription;
    expect(description.inputs.map((field) => field.name)).toEqual(['question', 'n']);
    expect(description.outputs).toEqual([{ name: 'answer', type: 'list[str]', desc: '' }]);
    const bad = await postJson(`${url}/api/signature`, { signature: 'question answer' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as ErrorBody).error.code).toBe('X_SIGNATURE');
    const notJson = await fetch(`${url}/api/signature`, { method: 'POST', body: '{oops' });
    expect(notJson.status).toBe(400);
    expect((await fetch(`${url}/nothing`)).status).toBe(404);
  });

  it('streams text deltas that add up to the result text, then the prediction and timings', async () => {
    const url = await start({ scripted: new ScriptedLM({ responses: [answer], chunkSize: 3 }) });
    const response = await run(url, { backend: 'scripted' });
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const events = await readSseEvents(response);
    expect(events[0]).toEqual({ event: 'status', data: { stage: 'queued', backend: 'scripted' } });
    const deltas = events.filter((event) => event.event === 'text-delta');
    expect(deltas.length).toBeGreaterThan(5);
    const result = resultOf(events);
    expect(deltas.map((event) => event.data.delta).join('')).toBe(result.text);
    expect(result.text).toBe(answer);
    expect(result.prediction).toEqual({ answer: 'Paris' });
    expect(result.timings?.ttftMs).toBeGreaterThanOrEqual(0);
    expect(result.usage?.completionTokens).toBeGreaterThan(0);
    const fieldText = events
      .filter((event) => event.event === 'field-delta')
      .map((event) => event.data.delta);
    expect(fieldText.join('')).toBe('Paris');
  });

  it('reports a parse error with the raw text as the result', async () => {
    const url = await start({ scripted: new ScriptedLM({ responses: ['Once upon a time'] }) });
    const events = await readSseEvents(await run(url, { backend: 'scripted' }));
    const result = resultOf(events);
    expect(result.prediction).toBeUndefined();
    expect(result.parseError?.rawText).toBe('Once upon a time');
    expect(result.parseError?.expectedFields).toEqual(['answer']);
    expect(result.text).toBe('Once upon a time');
    expect(typeof result.timings?.tokensPerSecond).toBe('number');
  });

  it('runs two backends side by side, each with its own stream', async () => {
    const url = await start({
      fast: new ScriptedLM({ responses: [answer] }),
      slow: new ScriptedLM({ responses: ['[[ ## answer ## ]]\nLyon'], chunkDelayMs: 2 }),
    });
    const [fast, slow] = await Promise.all([run(url, { backend: 'fast' }), run(url, { backend: 'slow' })]);
    const [one, two] = await Promise.all(
      [fast, slow].map(async (response) => resultOf(await readSseEvents(response))),
    );
    expect(one?.prediction).toEqual({ answer: 'Paris' });
    expect(two?.prediction).toEqual({ answer: 'Lyon' });
  });

  it('shows LM and load failures as error events and keeps serving', async () => {
    const url = await start(
      { broken: new ScriptedLM({ responses: [new LMError('engine exploded'), answer] }) },
      ['unloadable'],
    );
    const failed = await readSseEvents(await run(url, { backend: 'broken' }));
    expect(failed.at(-1)).toMatchObject({
      event: 'error',
      data: { name: 'LMError', message: 'engine exploded' },
    });
    const unloadable = await readSseEvents(await run(url, { backend: 'unloadable' }));
    expect(unloadable[0]?.data.stage).toBe('loading');
    expect(unloadable.at(-1)).toMatchObject({ event: 'error', data: { message: 'cannot load unloadable' } });
    const next = await readSseEvents(await run(url, { backend: 'broken' }));
    expect(resultOf(next).prediction).toEqual({ answer: 'Paris' });
  });

  it('aborts the LM call when the client goes away, then serves the next run on that backend', async () => {
    const lm = new ScriptedLM({ responses: ['a'.repeat(4000), answer], chunkDelayMs: 5 });
    const url = await start({ scripted: lm });
    const response = await postJson(`${url}/api/run`, {
      backend: 'scripted',
      signature: 'question -> answer',
      inputs: { question: 'q' },
      maxTokens: 100,
    });
    const reader = response.body!.getReader();
    await reader.read();
    await reader.cancel();
    const next = await readSseEvents(await run(url, { backend: 'scripted' }));
    expect(resultOf(next).prediction).toEqual({ answer: 'Paris' });
    expect(lm.calls[0]?.options.signal?.aborted).toBe(true);
  });

  it('shares the OpenAI server limits: a body over the limit is 413, no CORS headers by default', async () => {
    const url = await start({ scripted: new ScriptedLM({ responses: [] }) }, [], { bodyLimit: 200 });
    const big = await run(url, { backend: 'scripted', inputs: { question: 'x'.repeat(300) } });
    expect(big.status).toBe(413);
    expect(((await big.json()) as ErrorBody).error.code).toBe('request_too_large');
    const page = await fetch(`${url}/api/backends`, { headers: { origin: 'https://evil.example' } });
    expect(page.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects bad run requests with 400 before streaming', async () => {
    const url = await start({ scripted: new ScriptedLM({ responses: [] }) });
    const cases: Array<[Record<string, unknown>, string, string | null]> = [
      [{ backend: 'nope' }, 'unknown_backend', 'backend'],
      [{ backend: 'scripted', inputs: {} }, 'missing_input', 'inputs.question'],
      [{ backend: 'scripted', signature: 'no arrow' }, 'X_SIGNATURE', 'signature'],
      [{ backend: 'scripted', maxTokens: -3 }, 'too_small', 'maxTokens'],
      [{ backend: 'scripted', temperature: 'hot' }, 'invalid_type', 'temperature'],
      [{ backend: 'scripted', inputs: null }, 'invalid_type', 'inputs'],
      [{ backend: 'scripted', turbo: true }, 'unknown_parameter', 'turbo'],
    ];
    for (const [body, code, param] of cases) {
      const response = await run(url, body);
      expect(response.status).toBe(400);
      expect(((await response.json()) as ErrorBody).error).toMatchObject({
        code,
        param,
        type: 'invalid_request_error',
      });
    }
    for (const body of ['null', '[]', '"x"']) {
      const response = await fetch(`${url}/api/run`, { method: 'POST', body });
      expect(response.status).toBe(400);
    }
  });
});

describe('GET /bench', () => {
  it('plots the results files of the bench folder, read on each request', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'x-web-bench-'));
    const handle = await startWebServer({
      backends: [],
      load: async () => {
        throw new LMError('no backends');
      },
      modelName: 'none',
      benchDir: dir,
    });
    handles.push(handle);
    const empty = await fetch(`${handle.url}/bench`);
    expect(empty.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await empty.text()).toContain('No benchmark results in');
    const run = benchRun('2026-11-27T09:30:00Z', {
      'smollm2-135m Q8_0': { x: [135, 950, 540], peer: [55, 775, 660] },
    });
    writeFileSync(path.join(dir, '2026-11-27.json'), JSON.stringify(run));
    const page = await (await fetch(`${handle.url}/bench`)).text();
    expect(page.match(/<svg /g)).toHaveLength(6);
    expect(page).toContain('2.45×');
  });
});
