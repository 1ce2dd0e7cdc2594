import { ScriptedLM } from '@x/core/testing';
import { describe, expect, it } from 'vitest';
import { BackendPool } from './backend-pool.js';

describe('BackendPool', () => {
  it('loads each backend once, on first use', async () => {
    const loads: string[] = [];
    const pool = new BackendPool(['a', 'b'], async (name) => {
      loads.push(name);
      return new ScriptedLM({ responses: ['x'], id: name });
    });
    expect(pool.isLoaded('a')).toBe(false);
    const ids = await Promise.all([pool.run('a', async (lm) => lm.id), pool.run('a', async (lm) => lm.id)]);
    expect(ids).toEqual(['a', 'a']);
    expect(loads).toEqual(['a']);
    expect(pool.isLoaded('a')).toBe(true);
    expect(pool.isLoaded('b')).toBe(false);
  });

  it('runs one backend serially but different backends at once', async () => {
    const pool = new BackendPool(['a', 'b'], async (name) => new ScriptedLM({ responses: [], id: name }));
    const log: string[] = [];
    const task = (label: string) => async () => {
      log.push(`start ${label}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
      log.push(`end ${label}`);
    };
    await Promise.all([pool.run('a', task('a1')), pool.run('a', task('a2')), pool.run('b', task('b1'))]);
    expect(log.indexOf('end a1')).toBeLessThan(log.indexOf('start a2'));
    expect(log.indexOf('start b1')).toBeLessThan(log.indexOf('end a1'));
  });

  it('forgets a failed load so the next run retries, and keeps serving after a failed task', async () => {
    let attempts = 0;
    const pool = new BackendPool(['a'], async () => {
      attempts++;
      if (attempts === 1) throw new Error('no such file');
      return new ScriptedLM({ responses: [] });
    });
    await expect(pool.run('a', async () => 1)).rejects.toThrow('no such file');
    await expect(pool.run('a', async () => Promise.reject(new Error('task failed')))).rejects.toThrow(
      'task failed',
    );
    await expect(pool.run('a', async () => 3)).resolves.toBe(3);
    expect(attempts).toBe(2);
  });

  it('uses ready LMs without calling the loader, and disposes them', async () => {
    const lm = new ScriptedLM({ responses: [] });
    let disposed = false;
    lm.dispose = async () => {
      disposed = true;
    };
    const pool = new BackendPool(
      ['ready'],
      () => Promise.reject(new Error('must not load')),
      new Map([['ready', lm]]),
    );
    await expect(pool.run('ready', async (got) => got)).resolves.toBe(lm);
    await pool.dispose();
    expect(disposed).toBe(true);
  });
});
