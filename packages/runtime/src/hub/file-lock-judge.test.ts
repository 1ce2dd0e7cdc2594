import { describe, expect, it } from 'vitest';
import { type FileLockEvidence, judgeFileLock } from './file-lock-judge.js';

const here = { host: 'this-host', boot: 'boot-1' };
const record = { token: 't', pid: 42, host: 'this-host', boot: 'boot-1', start: '1000' };
const live = { alive: true, start: '1000' };
const judge = (evidence: Partial<FileLockEvidence>) =>
  judgeFileLock({ record, here, owner: live, quietMs: 0, staleMs: 100, ...evidence });

describe('judgeFileLock', () => {
  it('holds a live owner of this host, however long its lock has gone untouched', () => {
    expect(judge({})).toBe('held');
    expect(judge({ quietMs: 1e9 })).toBe('held');
  });

  it('calls a lock stale when its pid is dead', () => {
    expect(judge({ owner: { alive: false } })).toBe('stale');
  });

  it('calls a lock stale when its pid belongs to a later process', () => {
    expect(judge({ owner: { alive: true, start: '2000' } })).toBe('stale');
  });

  it('calls a lock stale when it was written before this boot', () => {
    expect(judge({ here: { host: 'this-host', boot: 'boot-2' } })).toBe('stale');
  });

  it('without a start time to compare, holds a live pid until the lock goes untouched', () => {
    const noStart = { alive: true };
    expect(judge({ owner: noStart, quietMs: 99 })).toBe('held');
    expect(judge({ owner: noStart, quietMs: 100 })).toBe('stale');
    expect(judge({ record: { ...record, start: undefined }, quietMs: 100 })).toBe('stale');
  });

  it('holds a live bare-pid lock of an earlier version (it has no heartbeat)', () => {
    const legacy = { pid: 42, host: 'this-host' };
    expect(judge({ record: legacy, owner: { alive: true }, quietMs: 1e9 })).toBe('held');
    expect(judge({ record: legacy, owner: { alive: false } })).toBe('stale');
  });

  it("holds another host's lock while its heartbeat goes on, and not after", () => {
    const foreign = { ...record, host: 'other-host' };
    // This host's pid table says nothing about another host's process.
    expect(judge({ record: foreign, owner: { alive: false }, quietMs: 99 })).toBe('held');
    expect(judge({ record: foreign, owner: undefined, quietMs: 100 })).toBe('stale');
    // Nor does another host's boot id.
    expect(judge({ record: { ...foreign, boot: 'boot-9' }, quietMs: 99 })).toBe('held');
  });

  it('holds an empty or cut-short lock until it has gone untouched', () => {
    expect(judge({ record: undefined, quietMs: 99 })).toBe('held');
    expect(judge({ record: undefined, quietMs: 100 })).toBe('stale');
  });

  it('holds a lock of this host whose owner was not looked up until it goes untouched', () => {
    expect(judge({ owner: undefined, quietMs: 99 })).toBe('held');
    expect(judge({ owner: undefined, quietMs: 100 })).toBe('stale');
  });
});
