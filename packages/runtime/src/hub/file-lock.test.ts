import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'x-lock-'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withFileLock', () => {
  it('runs one holder at a time and removes the lock after', async () => {
    const lock = path.join(folder, 'f.lock');
    const events: string[] = [];
    const task = (name: string) => async () => {
      events.push(`${name} start`);
      expect(await readFile(lock, 'utf8')).toBe(String(process.pid));
      await delay(50);
      events.push(`${name} end`);
    };
    await Promise.all([withFileLock(lock, task('a')), withFileLock(lock, task('b'))]);
    // Which caller's exclusive open lands first is up to libuv's thread pool; the holders must not overlap.
    const [first, second] = events[0] === 'a start' ? ['a', 'b'] : ['b', 'a'];
    expect(events).toEqual([`${first} start`, `${first} end`, `${second} start`, `${second} end`]);
    await expect(readFile(lock)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('takes over a lock whose process has exited', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    const lock = path.join(folder, 'f.lock');
    await writeFile(lock, String(child.pid));
    expect(await withFileLock(lock, async () => 'ran')).toBe('ran');
  });

  it('waits for a lock held by another live process', async () => {
    const lock = path.join(folder, 'f.lock');
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
});
