// The web page in a real browser (headless Chromium through playwright-core) against the real
// server on the bundled stories260K: pick backends, edit the signature, run, watch tokens stream.
// Screenshots go to apps/playground/test-artifacts/web-e2e/ (CI keeps them as artefacts).
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultModelPath, loadBackend } from '../src/backends.js';
import { startWebServer, type WebServerHandle } from '../src/web/start-web-server.js';
import { findChromium, noChromiumReason } from './find-chromium.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(here, '../test-artifacts/web-e2e');
const docsBenchData = path.resolve(here, '../../../docs/data');
const executablePath = findChromium();

let handle: WebServerHandle | undefined;
let browser: Browser | undefined;
let page: Page;
const loaded: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!executablePath) return;
  rmSync(artifacts, { recursive: true, force: true });
  mkdirSync(artifacts, { recursive: true });
  handle = await startWebServer({
    backends: ['candle', 'reference', 'onnx'],
    load: (name) => {
      loaded.push(name);
      return loadBackend(name as 'candle' | 'reference', defaultModelPath, { threads: 1 });
    },
    modelName: 'stories260K.gguf',
    benchDir: docsBenchData,
  });
  browser = await chromium.launch({ executablePath, headless: true });
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`${message.text()} at ${message.location().url}`);
  });
});

afterAll(async () => {
  await browser?.close();
  await handle?.close();
});

async function screenshot(name: string) {
  const file = path.join(artifacts, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  expect(statSync(file).size).toBeGreaterThan(1000);
}

// Page-side code is kept as source text: this project type-checks against Node's globals, not the DOM's.
const recordColumnChanges = `
  window.seen = [];
  const backendOf = (node) => node.closest('.column')?.querySelector('h2')?.firstChild?.textContent ?? '?';
  new MutationObserver((records) => {
    for (const record of records) {
      const target = record.target;
      if (target.classList?.contains('stats')) {
        const stats = [...record.addedNodes].map((node) => node.textContent.trim()).join(' ');
        if (stats) window.seen.push({ backend: backendOf(target), stats });
      } else if (target.nodeName === 'PRE') {
        window.seen.push({ backend: backendOf(target), rawLength: target.textContent.length });
      }
    }
  }).observe(document.getElementById('columns'), { childList: true, subtree: true });
`;
const allColumnsDone = `[...document.querySelectorAll('.column h2 span')].every((status) => status.textContent === 'done')`;

interface Seen {
  backend: string;
  stats?: string;
  rawLength?: number;
}

describe('the web page in headless Chromium (bundled stories260K)', () => {
  it('shows the model, a checkbox per backend and the default signature', async (context) => {
    if (!handle) return context.skip(noChromiumReason);
    await page.goto(`${handle.url}/`);
    await expect.poll(() => page.textContent('#model')).toBe('stories260K.gguf');
    const backends = await page.$$eval('#backends input', (boxes) =>
      boxes.map((box) => [box.getAttribute('value'), (box as unknown as { checked: boolean }).checked]),
    );
    expect(backends).toEqual([
      ['candle', true],
      ['reference', true],
      ['onnx', true],
    ]);
    await expect
      .poll(() => page.$$eval('#inputs textarea', (boxes) => boxes.map((box) => box.getAttribute('name'))))
      .toEqual(['question']);
    expect(await page.getAttribute('link[rel=icon]', 'href')).toMatch(/^data:image\/svg\+xml,/);
    expect(await page.isEnabled('#run')).toBe(true);
    await screenshot('1-loaded');
  });

  it('redraws the input boxes as the signature is edited, and refuses one without outputs', async (context) => {
    if (!handle) return context.skip(noChromiumReason);
    await page.fill('#signature', 'question ->');
    await expect.poll(() => page.textContent('#signature-error')).toMatch(/output/i);
    expect(await page.isDisabled('#run')).toBe(true);
    // The browser logs the server's 400 for the bad signature; nothing else may have failed.
    expect(pageErrors).toEqual([expect.stringMatching(/status of 400 .* at http:.*\/api\/signature$/)]);
    pageErrors.length = 0;
    await screenshot('2-bad-signature');

    await page.fill('#signature', 'topic, hero: str -> story, title');
    await expect
      .poll(() => page.$$eval('#inputs textarea', (boxes) => boxes.map((box) => box.getAttribute('name'))))
      .toEqual(['topic', 'hero']);
    expect(await page.textContent('#signature-error')).toBe('');
    expect(await page.textContent('#outputs')).toBe('outputs: story: str, title: str');
    expect(await page.isEnabled('#run')).toBe(true);
  });

  it('runs on the picked backends only, streaming tokens with live tok/s, then shows the parsed fields', async (context) => {
    if (!handle) return context.skip(noChromiumReason);
    await page.uncheck('#backends input[value="onnx"]');
    await page.fill('#inputs textarea[name="topic"]', 'a cat in the park');
    await page.fill('#inputs textarea[name="hero"]', 'Lily');
    await page.fill('#max-tokens', '96');
    await screenshot('3-edited');
    // Record every change to the columns as it happens: stats rows and the growing raw text.
    await page.evaluate(recordColumnChanges);
    await page.click('#run');
    // The recorder's history, not the live DOM: a fast run may finish between two polls of the page.
    await page.waitForFunction(`window.seen.some((entry) => entry.stats?.endsWith('live'))`, undefined, {
      timeout: 60_000,
    });
    await screenshot('4-streaming');
    await page.waitForFunction(allColumnsDone, undefined, { timeout: 60_000 });
    await screenshot('5-done');

    const columns = await page.$$eval('.column', (sections) =>
      sections.map((section) => ({
        backend: section.querySelector('h2')?.firstChild?.textContent,
        status: section.querySelector('h2 span')?.textContent,
        raw: section.querySelector('pre')?.textContent ?? '',
        stats: [...(section.querySelector('.stats')?.children ?? [])]
          .map((part) => part.textContent?.trim())
          .join(' '),
        fields: [...section.querySelectorAll('dt')].map((term) => term.textContent),
        values: [...section.querySelectorAll('dd')].map((value) => value.textContent),
      })),
    );
    expect(columns.map((column) => column.backend)).toEqual(['candle', 'reference']);
    expect([...loaded].sort()).toEqual(['candle', 'reference']);
    const seen = (await page.evaluate('window.seen')) as Seen[];
    for (const column of columns) {
      expect(column.status).toBe('done');
      expect(column.raw.trim().length).toBeGreaterThan(10);
      expect(column.fields).toEqual(['story', 'title']);
      expect(column.values.every((value) => typeof value === 'string')).toBe(true);
      // The final stats are the engine's timings: a number for tok/s and TTFT, no "live" mark.
      expect(column.stats).toMatch(/tok\/s \d+\.\d TTFT \d+ ms tokens \d+$/);
      const mine = seen.filter((entry) => entry.backend === column.backend);
      const live = mine.flatMap((entry) => (entry.stats?.endsWith('live') ? [entry.stats] : []));
      // Live stats on every chunk while streaming, with a measured rate from the second chunk on.
      expect(live.length).toBeGreaterThan(2);
      expect(live.some((stats) => /^tok\/s \d+\.\d TTFT \d+ ms tokens [2-9]/.test(stats))).toBe(true);
      const lengths = mine.flatMap((entry) => (entry.rawLength === undefined ? [] : [entry.rawLength]));
      expect(new Set(lengths.filter((length) => length > 0)).size).toBeGreaterThan(2);
    }
    expect(pageErrors, pageErrors.join('\n')).toEqual([]);
  });

  it('links to the benchmark page, which draws the bench results as SVG charts', async (context) => {
    if (!handle) return context.skip(noChromiumReason);
    await page.click('a[href="/bench"]');
    await page.waitForURL(`${handle.url}/bench`);
    expect(await page.title()).toBe('x benchmarks');
    const charts = await page.$$eval('figure svg', (svgs) =>
      svgs.map((svg) => svg.getAttribute('aria-label')),
    );
    expect(charts).toHaveLength(6);
    expect(charts[0]).toBe('Decode tok/s: x / llama.cpp (above 1 = x faster)');
    // Six cases in docs/data: one bar each, drawn at a visible size.
    const bars = await page.$$eval('#chart-decode rect[height="20"]', (rects) =>
      rects.map((rect) => rect.getBoundingClientRect().width),
    );
    expect(bars).toHaveLength(6);
    expect(bars.every((width) => width > 50)).toBe(true);
    // One row per run kept in docs/data.
    const runs = readdirSync(docsBenchData).filter((name) => name.endsWith('.json')).length;
    expect(runs).toBeGreaterThan(0);
    expect(await page.$$eval('tbody tr', (rows) => rows.length)).toBe(runs);
    await screenshot('6-bench');
    expect(pageErrors).toEqual([]);
  });
});
