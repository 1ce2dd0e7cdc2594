import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath, loadBackend } from '../src/backends.js';
import { startWebServer, type WebServerHandle } from '../src/web/start-web-server.js';
import { postJson, readSseEvents, resultOf } from './read-sse-events.js';

let handle: WebServerHandle;
let loads = 0;
beforeAll(async () => {
  handle = await startWebServer({
    backends: ['reference'],
    load: (name) => {
      loads++;
      return loadBackend(name as 'reference', defaultModelPath, { threads: 1 });
    },
    modelName: 'stories260K.gguf',
  });
});
afterAll(() => handle.close());

const run = () =>
  postJson(`${handle.url}/api/run`, {
    backend: 'reference',
    signature: 'question -> answer',
    inputs: { question: 'What did Lily find in the park?' },
    maxTokens: 32,
  });

describe('web playground on the reference backend (bundled stories260K)', () => {
  it('serves the form', async () => {
    expect(await (await fetch(`${handle.url}/`)).text()).toContain('<form id="run-form">');
  });

  it('streams the raw text and ends with timings and the parsed fields', async () => {
    const events = await readSseEvents(await run());
    expect(events[0]?.data.stage).toBe('loading');
    const text = events
      .filter((event) => event.event === 'text-delta')
      .map((event) => event.data.delta)
      .join('');
    const result = resultOf(events);
    expect(text.trim().length).toBeGreaterThan(10);
    expect(text).toBe(result.text);
    expect(result.usage?.completionTokens).toBeGreaterThan(1);
    expect(result.timings?.ttftMs).toBeGreaterThan(0);
    expect(result.timings?.tokensPerSecond).toBeGreaterThan(0);
    // Constrained decoding: even a 32-token budget ends in a parsed prediction.
    expect(result.parseError).toBeUndefined();
    expect(Object.keys(result.prediction ?? {})).toEqual(['answer']);
  });

  it('loads the backend once and gives the same greedy text on a second run', async () => {
    const [first, second] = [await readSseEvents(await run()), await readSseEvents(await run())];
    expect(second[0]?.data.stage).toBe('queued');
    expect(loads).toBe(1);
    expect(resultOf(second).text).toBe(resultOf(first).text);
  });
});
