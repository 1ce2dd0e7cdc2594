import { describe, expect, it } from 'vitest';
import { fakeDocument } from '../../test/fake-dom.js';
import { webPage } from './web-page.js';
import { webPageScript } from './web-page-script.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...parameters: string[]
) => (...values: unknown[]) => Promise<void>;

const json = (body: unknown) =>
  new Response(JSON.stringify(body), { headers: { 'content-type': 'application/json' } });
const sse = (name: string, data: unknown) => `event: ${name}\ndata: ${JSON.stringify(data)}\n\n`;

describe('the web page while tokens stream', () => {
  it('updates tok/s, TTFT and the token count on every chunk, then shows the engine timings', async () => {
    let push: (text: string) => void = () => {};
    let close: () => void = () => {};
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        push = (text) => controller.enqueue(new TextEncoder().encode(text));
        close = () => controller.close();
      },
    });
    const fetch = async (url: string) => {
      if (url === '/api/backends') return json({ backends: ['one'], model: 'm.gguf' });
      if (url === '/api/signature') {
        return json({
          signature: 'q -> a',
          instructions: '',
          inputs: [{ name: 'q' }],
          outputs: [{ name: 'a' }],
        });
      }
      return new Response(body, { headers: { 'content-type': 'text/event-stream' } });
    };
    const document = fakeDocument(webPage);
    const run = new AsyncFunction('document', 'fetch', 'setTimeout', 'clearTimeout', webPageScript);
    await run(
      document,
      fetch,
      () => {},
      () => {},
    );
    const submitted = document.byId.get('run-form')!.listeners.get('submit')!({ preventDefault() {} });
    const settle = () => new Promise((resolve) => setTimeout(resolve, 30));
    await settle();
    const stats = () =>
      document.byId
        .get('columns')!
        .children[0]!.descendants()
        .find((e) => e.className === 'stats')!;

    push(sse('text-delta', { delta: 'Hel' }));
    await settle();
    expect(stats().textContent).toMatch(/^tok\/s –TTFT \d+ mstokens 1live$/);
    push(sse('text-delta', { delta: 'lo' }) + sse('text-delta', { delta: ' there' }));
    await settle();
    expect(stats().textContent).toMatch(/^tok\/s \d+\.\dTTFT \d+ mstokens 3live$/);

    const result = {
      text: 'Hello there',
      timings: { tokensPerSecond: 42.5, ttftMs: 7 },
      usage: { completionTokens: 3 },
    };
    push(sse('result', { result: { ...result, parseError: { message: 'no markers' } } }));
    close();
    await submitted;
    expect(stats().textContent).toBe('tok/s 42.5TTFT 7 mstokens 3');
  });

  it('has a favicon, inline so that the page needs no other request', () => {
    const href = /<link rel="icon" href="([^"]+)">/.exec(webPage)?.[1];
    expect(href).toMatch(/^data:image\/svg\+xml,/);
    expect(decodeURIComponent(href!.slice('data:image/svg+xml,'.length))).toMatch(/^<svg xmlns=.*<\/svg>$/);
  });
});
