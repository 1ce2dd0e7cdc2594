import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { AbortError } from '@x/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';
import { formatFileLockRecord, ownFileLockRecord, parseFileLockRecord } from './file-lock-record.js';

let folder: string;
let lock: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'x-lock-'));
  lock = path.join(folder, 'f.lock');
});
afterEach(() => rm(folder, { recursive: true, force: true }));

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid ?? 0;
}

describe('withFileLock', () => {
  it('runs one holder at a time, names this process in the lock and removes it after', async () => {
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} start`);
      expect(parseFileLockRecord(await readFile(lock, 'utf8'))).toMatchObject({
        pid: process.pid,
        host: os.hostname(),
      });
      await delay(50);
      events.push(`${name} end`);
    };
    const options = { pollMs: 10 };
    await Promise.all([withFileLock(lock, task('a'), options), withFileLock(lock, task('b'), options)]);
    // Which caller's exclusive create lands first is up to libuv's thread pool; the holders must not overlap.
    const [first, second] = events[0] === 'a start' ? ['a', 'b'] : ['b', 'a'];
    expect(events).toEqual([`${first} start`, `${first} end`, `${second} start`, `${second} end`]);
    expect(await readdir(folder)).toEqual([]);
  });

  it('releases the lock when the task throws', async () => {
    await expect(withFileLock(lock, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await readdir(folder)).toEqual([]);
  });

  it('takes over a lock whose process has exited, in the bare-pid form of earlier versions too', async () => {
    const pid = await deadPid();
    await writeFile(lock, String(pid));
    expect(await withFileLock(lock, async () => 'legacy')).toBe('legacy');
    await writeFile(lock, formatFileLockRecord({ ...ownFileLockRecord(), pid }));
    expect(await withFileLock(lock, async () => 'current')).toBe('current');
    expect(await readdir(folder)).toEqual([]);
  });

  it.runIf(process.platform === 'linux')(
    'takes over a lock whose pid now belongs to another process',
    async () => {
      await writeFile(lock, formatFileLockRecord({ ...ownFileLockRecord(), start: '1' }));
      expect(await withFileLock(lock, async () => 'ran', { staleMs: 3_600_000 })).toBe('ran');
    },
  );

  it.runIf(process.platform === 'linux')('takes over a lock from an earlier boot of this host', async () => {
    await writeFile(lock, formatFileLockRecord({ ...ownFileLockRecord(), boot: 'an-earlier-boot' }));
    expect(await withFileLock(lock, async () => 'ran', { staleMs: 3_600_000 })).toBe('ran');
  });

  it.runIf(process.platform === 'linux')('waits on a live owner however old its lock is', async () => {
    await writeFile(lock, formatFileLockRecord(ownFileLockRecord()));
    await utimes(lock, new Date(0), new Date(0));
    const controller = new AbortController();
    const waiting = withFileLock(lock, async () => 'ran', {
      signal: controller.signal,
      pollMs: 5,
      staleMs: 1,
    });
    await delay(200);
    controller.abort();
    await expect(waiting).rejects.toBeInstanceOf(AbortError);
    expect(parseFileLockRecord(await readFile(lock, 'utf8'))?.pid).toBe(process.pid);
  });

  it('takes over an empty lock (its owner died between open and write) once it stays untouched', async () => {
    await writeFile(lock, '');
    const started = performance.now();
    expect(await withFileLock(lock, async () => 'ran', { pollMs: 10, staleMs: 150 })).toBe('ran');
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    expect(await readdir(folder)).toEqual([]);
  });

  it("takes over another host's lock once it stays untouched", async () => {
    await writeFile(lock, formatFileLockRecord({ ...ownFileLockRecord(), host: 'elsewhere' }));
    const started = performance.now();
    expect(await withFileLock(lock, async () => 'ran', { pollMs: 10, staleMs: 150 })).toBe('ran');
    expect(performance.now() - started).toBeGreaterThanOrEqual(150);
  });

  it('touches its lock while it holds it, so that other hosts see it alive', async () => {
    await withFileLock(
      lock,
      async () => {
        const first = (await stat(lock)).mtimeMs;
        await utimes(lock, new Date(0), new Date(0));
        while ((await stat(lock)).mtimeMs === 0) await delay(10);
        expect((await stat(lock)).mtimeMs).toBeGreaterThanOrEqual(first);
      },
      { staleMs: 60 },
    );
  });

  it('waits for a lock held by another live process', async () => {
    const released = path.join(folder, 'released');
    const child = spawn(process.execPath, [
      '-e',
      `const fs = require('node:fs'); fs.writeFileSync(${JSON.stringify(lock)}, String(process.pid), { flag: 'wx' });
       setTimeout(() => { fs.writeFileSync(${JSON.stringify(released)}, ''); fs.unlinkSync(${JSON.stringify(lock)}); }, 300);`,
    ]);
    const exited = once(child, 'exit');
    while (!(await readFile(lock, 'utf8').catch(() => ''))) await delay(20);
    const seen = await withFileLock(lock, async () =>
      readFile(released, 'utf8').then(
        () => true,
        () => false,
      ),
    );
    expect(seen).toBe(true);
    await exited;
  });

  it('gives up waiting with an AbortError', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(withFileLock(lock, async () => 'ran', { signal: controller.signal })).rejects.toBeInstanceOf(
      AbortError,
    );
  });
});
