import type { LM } from '@x/core';
import { ScriptedLM } from '@x/core/testing';
import { describe, expect, it } from 'vitest';
import { ModelPool } from './model-pool.js';

function pool(budget: number) {
  const loads: string[] = [];
  const disposed: string[] = [];
  const model = (name: string, bytes: number) => ({
    name,
    bytes,
    load: async (): Promise<LM> => {
      loads.push(name);
      const lm = new ScriptedLM({ responses: [name], id: name });
      lm.dispose = async () => void disposed.push(name);
      return lm;
    },
  });
  return { pool: new ModelPool([model('a', 60), model('b', 50), model('c', 30)], budget), loads, disposed };
}

describe('ModelPool', () => {
  it('loads a model once on first use and shares it between concurrent requests', async () => {
    const { pool: models, loads } = pool(100);
    const [one, two] = await Promise.all([models.acquire('a'), models.acquire('a')]);
    expect(one.lm).toBe(two.lm);
    expect(loads).toEqual(['a']);
    expect(models.loadedBytes).toBe(60);
  });

  it('evicts the least recently used idle model to stay under the byte budget', async () => {
    const { pool: models, loads, disposed } = pool(100);
    (await models.acquire('a')).release();
    (await models.acquire('c')).release();
    (await models.acquire('a')).release();
    expect(models.loaded).toEqual(['c', 'a']);
    (await models.acquire('b')).release();
    // 60 + 30 + 50 > 100: c is older than a, but evicting c alone (60 + 50) is still over: a goes too
    expect(models.loaded).toEqual(['b']);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(disposed.sort()).toEqual(['a', 'c']);
    expect(loads).toEqual(['a', 'c', 'b']);
  });

  it('never evicts a model a request holds, and catches up once it is released', async () => {
    const { pool: models, disposed } = pool(100);
    const a = await models.acquire('a');
    const b = await models.acquire('b');
    expect(models.loadedBytes).toBe(110);
    expect(disposed).toEqual([]);
    a.release();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(disposed).toEqual(['a']);
    expect(await b.lm.generate([{ role: 'user', content: 'x' }])).toMatchObject({ text: 'b' });
  });

  it('forgets a failed load so the next request tries again', async () => {
    let fail = true;
    const models = new ModelPool([
      {
        name: 'x',
        bytes: 1,
        load: async () => {
          if (fail) throw new Error('disk gone');
          return new ScriptedLM({ responses: ['ok'] });
        },
      },
    ]);
    await expect(models.acquire('x')).rejects.toThrow('disk gone');
    fail = false;
    await expect(models.acquire('x')).resolves.toBeDefined();
  });
});
