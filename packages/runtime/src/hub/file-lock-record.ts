import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { bootId, processStart } from './file-lock-process.js';

/** What a lock file (or a takeover claim) says about the process that made it: one JSON line. */
export interface FileLockRecord {
  /** Unique to one lock file. Absent in the bare-pid files that earlier versions wrote. */
  token?: string;
  pid: number;
  host: string;
  /** The host's boot id (Linux): a lock from before a reboot has no live owner. */
  boot?: string;
  /** The owner's start time in clock ticks since boot (Linux): tells a reused pid apart. */
  start?: string;
}

let self: Omit<FileLockRecord, 'token'> | undefined;

/** A fresh record for this process, with a new token. */
export function ownFileLockRecord(): FileLockRecord & { token: string } {
  if (self === undefined) {
    self = { pid: process.pid, host: os.hostname() };
    const boot = bootId();
    const start = processStart(process.pid);
    if (boot !== undefined) self.boot = boot;
    if (start !== undefined) self.start = start;
  }
  return { token: randomUUID(), ...self };
}

export function formatFileLockRecord(record: FileLockRecord): string {
  return `${JSON.stringify(record)}\n`;
}

/**
 * Reads a lock file's text; undefined when it is empty, cut short or not a lock record. A bare
 * pid (earlier versions) is taken as a lock of this host without a token.
 */
export function parseFileLockRecord(text: string, host = os.hostname()): FileLockRecord | undefined {
  const trimmed = text.trim();
  if (/^[1-9]\d*$/.test(trimmed)) return { pid: Number(trimmed), host };
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { token, pid, host: owner, boot, start } = value as Record<string, unknown>;
  if (typeof token !== 'string' || !/^[\w-]{1,64}$/.test(token)) return undefined;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid <= 0) return undefined;
  if (typeof owner !== 'string') return undefined;
  const record: FileLockRecord = { token, pid, host: owner };
  if (typeof boot === 'string') record.boot = boot;
  if (typeof start === 'string') record.start = start;
  return record;
}
