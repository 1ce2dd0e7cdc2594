import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { readLockFile } from './file-lock-file.js';
import { type IsStaleLock, removeLockFile } from './file-lock-remove.js';

/**
 * Removes the takeover claims and drafts beside `lockPath` that a process left when it died
 * between creating and removing them. Each goes through removeLockFile, so a live one or one
 * being removed by another process is left alone.
 */
export async function sweepLockLeftovers(lockPath: string, isStale: IsStaleLock): Promise<void> {
  const folder = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}.`;
  const names = await readdir(folder);
  for (const name of names) {
    if (!name.startsWith(prefix)) continue;
    const rest = name.slice(prefix.length);
    if (!rest.startsWith('takeover-') && !rest.endsWith('.draft')) continue;
    const file = path.join(folder, name);
    const seen = await readLockFile(file);
    if (seen !== undefined && (await isStale(file, seen)))
      await removeLockFile(lockPath, file, seen, isStale);
  }
}
