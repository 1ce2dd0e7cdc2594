import { unlink } from 'node:fs/promises';
import { createLockFile, type LockFileView, readLockFile } from './file-lock-file.js';
import { formatFileLockRecord, ownFileLockRecord } from './file-lock-record.js';

/** Judges a lock file or claim seen at `file`: true when its owner is gone. */
export type IsStaleLock = (file: string, view: LockFileView) => Promise<boolean>;

/**
 * Removes `file` (the lock at `lockPath` or one of its takeover claims) only if it is still the
 * file seen as `seen`. True once that file is gone; false while another process holds the claim.
 *
 * Unlinking a path is not conditional, so two waiters that both saw one stale lock could each
 * unlink "it", the second removing the first's fresh lock. Here a removal needs the claim file
 * `${lockPath}.takeover-${seen.key}`, created exclusively: while it exists nobody else removes
 * that file and nobody can create another at its path, and keys are never reused, so reading the
 * file again under the claim and then unlinking it cannot hit a different file. The claim goes
 * once the removal is done: a late waiter that claims the same key then reads a different file
 * (or none) and leaves it. A claim whose owner died is itself removed by the same rule.
 */
export async function removeLockFile(
  lockPath: string,
  file: string,
  seen: LockFileView,
  isStale: IsStaleLock,
): Promise<boolean> {
  const claimPath = `${lockPath}.takeover-${seen.key}`;
  const claim = ownFileLockRecord();
  const handle = await createLockFile(claimPath, formatFileLockRecord(claim), claim.token);
  if (handle === undefined) {
    const other = await readLockFile(claimPath);
    if (other !== undefined && (await isStale(claimPath, other))) {
      await removeLockFile(lockPath, claimPath, other, isStale);
    }
    return false;
  }
  await handle.close();
  try {
    if ((await readLockFile(file))?.key === seen.key) {
      await unlink(file).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'ENOENT') throw error;
      });
    }
    return true;
  } finally {
    await unlink(claimPath).catch(() => undefined);
  }
}
