import { existsSync, readdirSync, readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) of this process's JS thread and of all its other threads (engine,
 * libuv pool, V8's GC helpers), from Linux's /proc; undefined elsewhere.
 */
export function threadCpuSeconds(): { js: number; other: number } | undefined {
  if (!existsSync('/proc/self/task')) return undefined;
  let js = 0;
  let other = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // Fields after the command name (in parentheses): utime and stime are the 12th and 13th.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
    if (Number(tid) === process.pid) js += seconds;
    else other += seconds;
  }
  return { js, other };
}
