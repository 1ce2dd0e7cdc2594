import { type ChildProcess, fork, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { formatFileLockRecord } from './file-lock-record.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '../../../..');
const CONTENDERS = 4;
const ROUNDS = 24;

let folder: string;
let children: ChildProcess[] = [];
beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'x-lock-race-'));
});
afterEach(async () => {
  for (const child of children) child.kill();
  children = [];
  await rm(folder, { recursive: true, force: true });
});

function nextMessage(child: ChildProcess): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`contender exited with ${code}`));
    child.once('exit', onExit);
    child.once('message', (message) => {
      child.off('exit', onExit);
      resolve(message);
    });
  });
}

/** Critical sections that began while another was open, or ended without having begun. */
function overlaps(log: string): string[] {
  const found: string[] = [];
  let inside: string | undefined;
  for (const line of log.trim().split('\n')) {
    const [round, name, step] = line.split(' ');
    const who = `${round} ${name}`;
    if (step === 'enter') {
      if (inside !== undefined) found.push(`${who} entered while ${inside} held the lock`);
      inside = who;
    } else {
      if (inside !== who) found.push(`${who} left while ${inside ?? 'nobody'} held the lock`);
      inside = undefined;
    }
  }
  return found;
}

it('lets one process at a time in when several race to take over a stale lock', async () => {
  const lock = path.join(folder, 'f.lock');
  const log = path.join(folder, 'log');
  const dead = spawn(process.execPath, ['-e', '']);
  await once(dead, 'exit');
  children = Array.from({ length: CONTENDERS }, (_, index) =>
    fork(path.join(here, '__fixtures__', 'file-lock-contender.ts'), [lock, log, `p${index}`], {
      cwd: repoRoot,
      execArgv: ['--import', 'tsx', '--conditions=x-source'],
    }),
  );
  expect(await Promise.all(children.map(nextMessage))).toEqual(children.map(() => 'ready'));

  for (let round = 0; round < ROUNDS; round++) {
    // Its pid is gone (and, should the pid be reused, its start time is not the new process's).
    const stale = { token: `stale-${round}`, pid: dead.pid ?? 0, host: os.hostname(), start: '-1' };
    await writeFile(lock, formatFileLockRecord(stale));
    const done = children.map(nextMessage);
    for (const child of children) child.send(round);
    expect(await Promise.all(done)).toEqual(children.map(() => ({ round })));
  }

  const text = await readFile(log, 'utf8');
  expect(overlaps(text)).toEqual([]);
  expect(text.match(/ enter$/gm)).toHaveLength(CONTENDERS * ROUNDS);
  expect(await readdir(folder)).toEqual(['log']);
});
