import { open, readFile, unlink } from 'node:fs/promises';
import { AbortError } from '@x/core';

const POLL_MS = 200;

/**
 * Runs `task` while holding `lockPath` (created exclusively, holding this process's id), so that two
 * processes never append to one partial download. A lock whose process is gone is taken over; a
 * live one is waited for.
 */
export async function withFileLock<T>(
  lockPath: string,
  task: () => Promise<T>,
  signal?: AbortSignal,
): Promise<T> {
  for (;;) {
    if (signal?.aborted) throw new AbortError();
    const handle = await open(lockPath, 'wx').catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'EEXIST') return undefined;
      throw error;
    });
    if (handle !== undefined) {
      try {
        await handle.writeFile(String(process.pid));
      } finally {
        await handle.close();
      }
      try {
        return await task();
      } finally {
        await unlink(lockPath).catch(() => undefined);
      }
    }
    const holder = Number.parseInt(await readFile(lockPath, 'utf8').catch(() => ''), 10);
    if (!isAlive(holder)) {
      await unlink(lockPath).catch(() => undefined);
      continue;
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function isAlive(pid: number): boolean {
  // An empty or half-written lock file reads as NaN: its writer is between open and write.
  if (Number.isNaN(pid)) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
