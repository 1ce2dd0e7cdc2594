/**
 * How long each file has kept one fingerprint, as seen by this process. It uses this process's
 * monotonic clock and never a file's time, so other hosts' clocks and a suspended machine do not
 * make a lock look old.
 */
export class FileLockQuiet {
  private readonly seen = new Map<string, { fingerprint: string; since: number }>();

  quietFor(file: string, fingerprint: string, now = performance.now()): number {
    const last = this.seen.get(file);
    if (last?.fingerprint === fingerprint) return now - last.since;
    this.seen.set(file, { fingerprint, since: now });
    return 0;
  }
}
