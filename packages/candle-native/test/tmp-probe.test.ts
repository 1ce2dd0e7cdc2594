import { mkdirSync, mkdtempSync } from 'node:fs';
import { GGMLType, loadLM as loadRef, synthesizeModel } from '@x/runtime';
import { it } from 'vitest';
import { loadLM } from '../src/lm/load-lm.js';

it('probe', async () => {
  const dir = mkdtempSync('/tmp/probe-');
  for (const ctx of [2 ** 30, 2 ** 31 - 1, 2 ** 32 - 1]) {
    const p = `${dir}/m${ctx}.gguf`;
    await synthesizeModel({ shape: 'tiny-llama', path: p, type: GGMLType.F32, contextLength: ctx });
    for (const [name, load] of [
      ['native', loadLM],
      ['ref', loadRef],
    ] as const) {
      try {
        const lm = await load(p, {} as never);
        console.log(name, ctx, 'loaded', lm.contextLength);
        await lm
          .complete('a', { maxTokens: 2 })
          .then((r) => console.log('ok', r.text))
          .catch((e) => console.log('complete err', e.name, e.message));
        await lm.dispose();
      } catch (e) {
        console.log(name, ctx, (e as Error).name, (e as Error).message.slice(0, 200));
      }
    }
  }
  mkdirSync(`${dir}/d.gguf`);
  for (const [name, load] of [
    ['native', loadLM],
    ['ref', loadRef],
  ] as const) {
    for (const p of [`${dir}/d.gguf`, `${dir}/missing.gguf`]) {
      try {
        await load(p);
      } catch (e) {
        console.log(
          name,
          p,
          (e as Error).name,
          (e as Error).constructor.name,
          (e as Error).message.slice(0, 150),
        );
      }
    }
  }
}, 120000);
