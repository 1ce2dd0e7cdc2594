import os from 'node:os';
import { describe, expect, it } from 'vitest';
import { formatFileLockRecord, ownFileLockRecord, parseFileLockRecord } from './file-lock-record.js';

describe('parseFileLockRecord', () => {
  it('reads back what formatFileLockRecord writes', () => {
    const record = ownFileLockRecord();
    expect(parseFileLockRecord(formatFileLockRecord(record))).toEqual(record);
    expect(record).toMatchObject({ pid: process.pid, host: os.hostname() });
  });

  it('gives each record its own token', () => {
    expect(ownFileLockRecord().token).not.toBe(ownFileLockRecord().token);
  });

  it.runIf(process.platform === 'linux')('records the boot id and the process start time on Linux', () => {
    expect(ownFileLockRecord()).toMatchObject({
      boot: expect.stringMatching(/^[\w-]+$/),
      start: expect.stringMatching(/^\d+$/),
    });
  });

  it("takes an earlier version's bare pid as a lock of this host without a token", () => {
    expect(parseFileLockRecord('1234', 'h')).toEqual({ pid: 1234, host: 'h' });
  });

  it('returns undefined for an empty, cut-short or foreign file', () => {
    const full = formatFileLockRecord(ownFileLockRecord());
    for (const text of ['', ' \n', full.slice(0, full.length / 2), '0', '-3', '12ab', 'null', '[]', '{}']) {
      expect(parseFileLockRecord(text)).toBeUndefined();
    }
    expect(parseFileLockRecord('{"token":"t","pid":1.5,"host":"h"}')).toBeUndefined();
    expect(parseFileLockRecord('{"token":"../../x","pid":1,"host":"h"}')).toBeUndefined();
    expect(parseFileLockRecord('{"token":"t","pid":1}')).toBeUndefined();
  });
});
