import { ScriptedLM } from '@x/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeElement, fakeDocument } from '../../test/fake-dom.js';
import { startWebServer, type WebServerHandle } from './start-web-server.js';
import { webPage } from './web-page.js';
import { webPageScript } from './web-page-script.js';

const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
  ...parameters: string[]
) => (...values: unknown[]) => Promise<void>;

const handles: WebServerHandle[] = [];
afterEach(async () => {
  await Promise.all(handles.splice(0).map((handle) => handle.close()));
});

/** Runs the page's own script against a fake DOM and the real server; returns the document. */
async function openPage(lms: Record<string, ScriptedLM>) {
  const handle = await startWebServer({
    backends: Object.keys(lms),
    load: () => Promise.reject(new Error('not loadable')),
    lms: new Map(Object.entries(lms)),
    modelName: 'scripted.gguf',
  });
  handles.push(handle);
  const document = fakeDocument(webPage);
  const timers: Array<() => unknown> = [];
  const run = new AsyncFunction('document', 'fetch', 'setTimeout', 'clearTimeout', webPageScript);
  await run(
    document,
    (url: string, init?: RequestInit) => fetch(`${handle.url}${url}`, init),
    (callback: () => unknown) => timers.push(callback),
    () => {},
  );
  const element = (id: string) => document.byId.get(id)!;
  const fire = (id: string, type: string) => element(id).listeners.get(type)!({ preventDefault() {} });
  return { element, fire, flushTimers: () => Promise.all(timers.splice(0).map((callback) => callback())) };
}

const textOf = (element: FakeElement, tag: string) =>
  element
    .descendants()
    .filter((child) => child.tagName === tag)
    .map((child) => child.textContent);

describe('the web page script', () => {
  it('draws input boxes from the signature and runs every backend in its own column', async () => {
    const page = await openPage({
      one: new ScriptedLM({ responses: ['[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]'] }),
      two: new ScriptedLM({ responses: ['no markers at all'] }),
    });
    expect(page.element('model').textContent).toBe('scripted.gguf');
    expect(
      page
        .element('backends')
        .querySelectorAll('input:checked')
        .map((box) => box.value),
    ).toEqual(['one', 'two']);
    const [question] = page.element('inputs').querySelectorAll('textarea');
    expect(question?.name).toBe('question');
    expect(page.element('run').disabled).toBe(false);
    question!.value = 'Capital of France?';
    await page.fire('run-form', 'submit');
    const [one, two] = page.element('columns').children;
    expect(textOf(one!, 'h2')[0]).toBe('onedone');
    expect(textOf(one!, 'pre')).toEqual(['[[ ## answer ## ]]\nParis\n\n[[ ## completed ## ]]']);
    expect([...textOf(one!, 'dt'), ...textOf(one!, 'dd')]).toEqual(['answer', 'Paris']);
    expect(one!.textContent).toContain('TTFT');
    expect(textOf(two!, 'pre')).toEqual(['no markers at all']);
    expect(textOf(two!, 'h3')).toContain('parse error');
  });

  it('shows a malformed signature and disables Run until it is fixed', async () => {
    const page = await openPage({ one: new ScriptedLM({ responses: [] }) });
    page.element('signature').value = 'question answer';
    page.fire('signature', 'input');
    await page.flushTimers();
    expect(page.element('signature-error').textContent).toContain("exactly one '->'");
    expect(page.element('run').disabled).toBe(true);
    page.element('signature').value = 'topic, tone -> title, body';
    page.fire('signature', 'input');
    await page.flushTimers();
    expect(
      page
        .element('inputs')
        .querySelectorAll('textarea')
        .map((box) => box.name),
    ).toEqual(['topic', 'tone']);
    expect(page.element('run').disabled).toBe(false);
  });
});
