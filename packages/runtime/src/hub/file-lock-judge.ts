import type { FileLockRecord } from './file-lock-record.js';

export interface FileLockEvidence {
  /** The lock file's record; undefined when its text is empty, cut short or unknown. */
  record: FileLockRecord | undefined;
  /** This host's name and boot id. */
  here: { host: string; boot?: string };
  /** The record's pid looked up on this host; only used when the record names this host. */
  owner?: { alive: boolean; start?: string };
  /** How long this waiter has seen the file unchanged (its holder touches it while it lives). */
  quietMs: number;
  staleMs: number;
}

/**
 * Whether a lock file's owner is gone. A process on this host is asked directly: gone when its
 * pid is dead, belongs to a later process (start time) or to an earlier boot. What cannot be
 * asked (another host, no /proc, a file cut short) is gone once the file has gone `staleMs`
 * without a heartbeat.
 */
export function judgeFileLock(evidence: FileLockEvidence): 'held' | 'stale' {
  const { record, here, owner } = evidence;
  const quiet = evidence.quietMs >= evidence.staleMs ? 'stale' : 'held';
  if (record === undefined || record.host !== here.host) return quiet;
  if (record.boot !== undefined && here.boot !== undefined && record.boot !== here.boot) return 'stale';
  if (owner === undefined) return quiet;
  if (!owner.alive) return 'stale';
  // A bare pid (earlier versions) has no heartbeat: its live owner may hold it for as long as a download takes.
  if (record.token === undefined) return 'held';
  if (record.start !== undefined && owner.start !== undefined)
    return record.start === owner.start ? 'held' : 'stale';
  return quiet;
}
