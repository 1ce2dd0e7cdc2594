import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLockFile, readLockFile } from './file-lock-file.js';
import { formatFileLockRecord, ownFileLockRecord, parseFileLockRecord } from './file-lock-record.js';
import { removeLockFile } from './file-lock-remove.js';

let folder: string;
let lock: string;
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'x-lock-remove-'));
  lock = path.join(folder, 'f.lock');
});
afterEach(() => rm(folder, { recursive: true, force: true }));

const always = async () => true;
const never = async () => false;

async function plant(file: string, pid?: number): Promise<string> {
  const record = { ...ownFileLockRecord(), ...(pid === undefined ? {} : { pid }) };
  await writeFile(file, formatFileLockRecord(record));
  return record.token;
}

async function view(file: string) {
  const seen = await readLockFile(file);
  if (seen === undefined) throw new Error(`${file} is missing`);
  return seen;
}

describe('removeLockFile', () => {
  it('removes the lock it was shown, and its claim after', async () => {
    await plant(lock);
    expect(await removeLockFile(lock, lock, await view(lock), always)).toBe(true);
    expect(await readdir(folder)).toEqual([]);
  });

  it('leaves a fresh lock alone when the stale one it was shown is already gone', async () => {
    // Two waiters saw the same stale lock; the first took it over and now holds a fresh one.
    await plant(lock);
    const staleSeenByBoth = await view(lock);
    expect(await removeLockFile(lock, lock, staleSeenByBoth, always)).toBe(true);
    const fresh = ownFileLockRecord();
    const handle = await createLockFile(lock, formatFileLockRecord(fresh), fresh.token);
    await handle?.close();
    // The second waiter acts on what it saw before.
    expect(await removeLockFile(lock, lock, staleSeenByBoth, always)).toBe(true);
    expect(parseFileLockRecord(await readFile(lock, 'utf8'))?.token).toBe(fresh.token);
    expect(await readdir(folder)).toEqual(['f.lock']);
  });

  it('tells apart two files without a token that sat at the path one after the other', async () => {
    await writeFile(lock, '');
    const first = await view(lock);
    await rm(lock);
    await writeFile(lock, 'garbled');
    const second = await view(lock);
    expect(second.key).not.toBe(first.key);
    expect(await removeLockFile(lock, lock, first, always)).toBe(true);
    expect(await readFile(lock, 'utf8')).toBe('garbled');
  });

  it('waits while a live process holds the claim, and leaves the lock', async () => {
    await plant(lock);
    const seen = await view(lock);
    await plant(`${lock}.takeover-${seen.key}`);
    expect(await removeLockFile(lock, lock, seen, never)).toBe(false);
    expect(await readdir(folder)).toEqual(['f.lock', `f.lock.takeover-${seen.key}`]);
  });

  it('clears a claim whose owner died, then removes the lock', async () => {
    const child = spawn(process.execPath, ['-e', '']);
    await once(child, 'exit');
    await plant(lock);
    const seen = await view(lock);
    const claim = `${lock}.takeover-${seen.key}`;
    await plant(claim, child.pid);
    const isDeadOwner = async (_file: string, other: { record?: { pid: number } }) =>
      other.record?.pid === child.pid;
    expect(await removeLockFile(lock, lock, seen, isDeadOwner)).toBe(false);
    expect(await readdir(folder)).toEqual(['f.lock']);
    expect(await removeLockFile(lock, lock, seen, isDeadOwner)).toBe(true);
    expect(await readdir(folder)).toEqual([]);
  });
});

describe('createLockFile', () => {
  it('creates the file whole or not at all, leaving no draft behind', async () => {
    const first = ownFileLockRecord();
    const handle = await createLockFile(lock, formatFileLockRecord(first), first.token);
    expect(handle).toBeDefined();
    await handle?.close();
    const second = ownFileLockRecord();
    expect(await createLockFile(lock, formatFileLockRecord(second), second.token)).toBeUndefined();
    expect(parseFileLockRecord(await readFile(lock, 'utf8'))).toEqual(first);
    expect(await readdir(folder)).toEqual(['f.lock']);
  });
});
