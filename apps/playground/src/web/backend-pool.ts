import type { LM } from '@x/core';
import { SerialQueue } from '@x/runtime';

export type LoadLM = (backend: string) => Promise<LM>;

/**
 * The LMs of one web server: each backend is loaded on first use and kept; runs on one backend are
 * serialised, so a backend that is not safe for concurrent calls is never called twice at once.
 * A failed load is forgotten, so the next run tries again.
 */
export class BackendPool {
  private readonly loaded = new Map<string, Promise<LM>>();
  private readonly queues = new Map<string, SerialQueue>();

  constructor(
    readonly names: readonly string[],
    private readonly load: LoadLM,
    ready: ReadonlyMap<string, LM> = new Map(),
  ) {
    for (const [name, lm] of ready) this.loaded.set(name, Promise.resolve(lm));
  }

  has(name: string): boolean {
    return this.names.includes(name);
  }

  isLoaded(name: string): boolean {
    return this.loaded.has(name);
  }

  /** Runs `task` with the backend's LM once the runs queued before it on that backend are done. */
  run<T>(name: string, task: (lm: LM) => Promise<T>): Promise<T> {
    let queue = this.queues.get(name);
    if (!queue) {
      queue = new SerialQueue();
      this.queues.set(name, queue);
    }
    return queue.run(async () => task(await this.lm(name)));
  }

  async dispose(): Promise<void> {
    const lms = await Promise.allSettled(this.loaded.values());
    this.loaded.clear();
    await Promise.allSettled(lms.map((lm) => (lm.status === 'fulfilled' ? lm.value.dispose() : undefined)));
  }

  private lm(name: string): Promise<LM> {
    let lm = this.loaded.get(name);
    if (!lm) {
      lm = this.load(name);
      this.loaded.set(name, lm);
      lm.catch(() => this.loaded.delete(name));
    }
    return lm;
  }
}
