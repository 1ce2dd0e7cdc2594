import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { writeBenchPlots } from './write-bench-plots.ts';

const docs = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../docs');

describe('docs/img/bench-*.svg', () => {
  it('are what the plots script draws from docs/data today (redraw them after changing the renderer)', () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'x-docs-plots-'));
    const files = writeBenchPlots({ from: path.join(docs, 'data/bench-2026-12-06f.json'), out });
    expect(files).toHaveLength(3);
    for (const file of files) {
      const committed = path.join(docs, 'img', path.basename(file));
      expect(readFileSync(committed, 'utf8'), `${committed} is stale`).toBe(readFileSync(file, 'utf8'));
    }
    const linked = [
      ...readFileSync(path.join(docs, 'benchmarks.md'), 'utf8').matchAll(/\]\(img\/(bench-[\w-]+\.svg)\)/g),
    ];
    expect(linked.map((match) => match[1]).sort()).toEqual(readdirSync(out).sort());
  });
});
