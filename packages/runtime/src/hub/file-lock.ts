import type { FileHandle } from 'node:fs/promises';
import os from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';
import { throwIfAborted } from '@x/core';
import { createLockFile, type LockFileView, readLockFile } from './file-lock-file.js';
import { judgeFileLock } from './file-lock-judge.js';
import { bootId, isProcessAlive, processStart } from './file-lock-process.js';
import { FileLockQuiet } from './file-lock-quiet.js';
import { formatFileLockRecord, ownFileLockRecord } from './file-lock-record.js';
import { type IsStaleLock, removeLockFile } from './file-lock-remove.js';
import { sweepLockLeftovers } from './file-lock-sweep.js';

export interface FileLockOptions {
  signal?: AbortSignal;
  /** How often a waiter looks at a held lock again. */
  pollMs?: number;
  /**
   * How long a lock whose owner cannot be asked (another host, no /proc, a file cut short) must go
   * untouched before it counts as abandoned. The holder touches its lock every `staleMs / 6`.
   */
  staleMs?: number;
}

/**
 * Runs `task` while holding `lockPath`, a file created exclusively that names this process, so
 * that two processes never append to one partial download. A live holder is waited for; a lock
 * whose holder is gone (see judgeFileLock) is taken over, by one waiter only (see removeLockFile).
 */
export async function withFileLock<T>(
  lockPath: string,
  task: () => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const { signal, pollMs = 200, staleMs = 60_000 } = options;
  const isStale = staleJudge(staleMs);
  for (;;) {
    throwIfAborted(signal);
    const own = ownFileLockRecord();
    const handle = await createLockFile(lockPath, formatFileLockRecord(own), own.token);
    if (handle !== undefined) {
      const ownView: LockFileView = { key: own.token, fingerprint: '', record: own };
      const release = () => releaseLock(lockPath, handle, ownView, isStale, pollMs);
      const heartbeat = setInterval(() => touch(handle), staleMs / 6);
      heartbeat.unref();
      let result: T;
      try {
        await sweepLockLeftovers(lockPath, isStale).catch(() => undefined);
        result = await task();
      } catch (error) {
        clearInterval(heartbeat);
        await release().catch(() => undefined);
        throw error;
      }
      clearInterval(heartbeat);
      await release();
      return result;
    }
    const seen = await readLockFile(lockPath);
    if (seen === undefined) continue;
    if ((await isStale(lockPath, seen)) && (await removeLockFile(lockPath, lockPath, seen, isStale)))
      continue;
    await sleep(pollMs, undefined, { signal }).catch(() => undefined);
  }
}

function staleJudge(staleMs: number): IsStaleLock {
  const quiet = new FileLockQuiet();
  const here = { host: os.hostname(), boot: bootId() };
  return async (file, view) => {
    const { record } = view;
    const owner =
      record !== undefined && record.host === here.host
        ? { alive: isProcessAlive(record.pid), start: processStart(record.pid) }
        : undefined;
    const quietMs = quiet.quietFor(file, view.fingerprint);
    return judgeFileLock({ record, here, owner, quietMs, staleMs }) === 'stale';
  };
}

function touch(handle: FileHandle): void {
  const now = new Date();
  handle.utimes(now, now).catch(() => undefined);
}

async function releaseLock(
  lockPath: string,
  handle: FileHandle,
  own: LockFileView,
  isStale: IsStaleLock,
  pollMs: number,
): Promise<void> {
  await handle.close();
  // Removing goes through the takeover claim too, so that a lock already (wrongly) taken over is
  // never confused with the next holder's.
  while (!(await removeLockFile(lockPath, lockPath, own, isStale))) await sleep(pollMs);
}
