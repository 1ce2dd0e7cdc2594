import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { withFileLock } from './file-lock.js';
import { formatFileLockRecord, ownFileLockRecord } from './file-lock-record.js';

let folder: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'x-lock-sweep-'));
});
afterEach(() => rm(folder, { recursive: true, force: true }));

it("clears the claims and drafts that dead processes left beside the lock, and nothing else's", async () => {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  const dead = { ...ownFileLockRecord(), pid: child.pid ?? 0 };
  const live = ownFileLockRecord();
  const files = {
    'f.lock.takeover-gone': dead,
    [`f.lock.${dead.token}.draft`]: dead,
    'f.lock.takeover-live': live,
    'g.lock.takeover-other-lock': dead,
  };
  for (const [name, record] of Object.entries(files))
    await writeFile(path.join(folder, name), formatFileLockRecord(record));
  await writeFile(path.join(folder, 'f.lock.takeover-garbled'), '');
  expect(await withFileLock(path.join(folder, 'f.lock'), async () => 'ran')).toBe('ran');
  expect((await readdir(folder)).sort()).toEqual([
    'f.lock.takeover-garbled',
    'f.lock.takeover-live',
    'g.lock.takeover-other-lock',
  ]);
});
