import { createHash } from 'node:crypto';
import { type FileHandle, link, open, unlink } from 'node:fs/promises';
import { type FileLockRecord, parseFileLockRecord } from './file-lock-record.js';

/** One look at a lock file (or a takeover claim). */
export interface LockFileView {
  /**
   * Names this file apart from every other that ever sits at its path: its token, or for a file
   * without one (empty, cut short, an earlier version's bare pid) a digest of its inode, times and
   * text (file times can be coarser than the time it takes to replace a file).
   */
  key: string;
  /** Changes when the holder's heartbeat touches the file. */
  fingerprint: string;
  record: FileLockRecord | undefined;
}

// Where hard links are missing (FAT, some network shares) the file is created in place instead,
// so a reader can briefly see it empty.
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EINVAL']);

/**
 * Creates `file` holding `text` unless a file is already there. The text is written to a draft
 * first and hard-linked into place, so that no reader ever sees the lock empty or half-written.
 * Returns a handle on the new file (for heartbeats), or undefined when `file` exists.
 */
export async function createLockFile(
  file: string,
  text: string,
  token: string,
): Promise<FileHandle | undefined> {
  const draft = `${file}.${token}.draft`;
  const handle = await open(draft, 'wx');
  try {
    await handle.writeFile(text);
    await link(draft, file);
    return handle;
  } catch (error) {
    await handle.close();
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (code === 'EEXIST') return undefined;
    if (NO_HARD_LINKS.has(code)) return createInPlace(file, text);
    throw error;
  } finally {
    await unlink(draft).catch(() => undefined);
  }
}

async function createInPlace(file: string, text: string): Promise<FileHandle | undefined> {
  const handle = await open(file, 'wx').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EEXIST') return undefined;
    throw error;
  });
  await handle?.writeFile(text);
  return handle;
}

/** Reads the lock file at `file`; undefined when there is none. */
export async function readLockFile(file: string): Promise<LockFileView | undefined> {
  const handle = await open(file, 'r').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (handle === undefined) return undefined;
  try {
    const stats = await handle.stat({ bigint: true });
    const text = await handle.readFile('utf8');
    const record = parseFileLockRecord(text);
    const key = record?.token ?? untokenedKey(`${stats.ino}:${stats.birthtimeNs}:${stats.ctimeNs}:${text}`);
    return { key, fingerprint: `${key}@${stats.mtimeNs}+${stats.size}`, record };
  } finally {
    await handle.close();
  }
}

function untokenedKey(identity: string): string {
  return `raw-${createHash('sha256').update(identity).digest('hex').slice(0, 32)}`;
}
