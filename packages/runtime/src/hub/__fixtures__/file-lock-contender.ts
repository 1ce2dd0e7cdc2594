// Forked by file-lock-contention.test.ts: for each round the parent sends, takes the lock once and
// writes its critical section's start and end to a log shared by every contender.
import { appendFile } from 'node:fs/promises';
import { withFileLock } from '../file-lock.js';

const [lockPath = '', logPath = '', name = ''] = process.argv.slice(2);
const send = (message: unknown) => process.send?.(message);

process.on('message', (round: number) => {
  withFileLock(
    lockPath,
    async () => {
      await appendFile(logPath, `${round} ${name} enter\n`);
      await new Promise((resolve) => setImmediate(resolve));
      await appendFile(logPath, `${round} ${name} exit\n`);
    },
    { pollMs: 5 },
  ).then(
    () => send({ round }),
    (error: unknown) => send({ round, error: String(error) }),
  );
});
send('ready');
