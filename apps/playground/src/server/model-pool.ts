import type { LM } from '@x/core';

export interface PoolModel {
  /** The name requests ask for in `model`. */
  name: string;
  /** What the model costs in memory (a GGUF's file size is a fair estimate). */
  bytes: number;
  load(): Promise<LM>;
}

export interface ModelLease {
  readonly lm: LM;
  /** Ends this request's use; the model may be evicted once no request holds it. */
  release(): void;
}

interface Entry {
  model: PoolModel;
  lm: Promise<LM> | undefined;
  leases: number;
  lastUsed: number;
}

/**
 * The models one server offers, loaded on first use and shared by concurrent requests. When the
 * loaded models' bytes exceed the budget, the least recently used ones that no request holds are
 * disposed. A model in use is never evicted, so a burst may go over budget until its requests end.
 */
export class ModelPool {
  private readonly entries = new Map<string, Entry>();
  private clock = 0;

  constructor(
    models: readonly PoolModel[],
    private readonly budgetBytes = Number.POSITIVE_INFINITY,
  ) {
    if (models.length === 0) throw new RangeError('a model pool needs at least one model');
    for (const model of models) {
      if (this.entries.has(model.name)) throw new RangeError(`model "${model.name}" is listed twice`);
      this.entries.set(model.name, { model, lm: undefined, leases: 0, lastUsed: 0 });
    }
  }

  get names(): string[] {
    return [...this.entries.keys()];
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Names of the models loaded (or loading) now, least recently used first. */
  get loaded(): string[] {
    return [...this.entries.values()]
      .filter((entry) => entry.lm)
      .sort((a, b) => a.lastUsed - b.lastUsed)
      .map((entry) => entry.model.name);
  }

  get loadedBytes(): number {
    let bytes = 0;
    for (const entry of this.entries.values()) if (entry.lm) bytes += entry.model.bytes;
    return bytes;
  }

  /** The LMs loaded now (for metrics). */
  async loadedLMs(): Promise<Array<{ name: string; lm: LM }>> {
    const settled = await Promise.all(
      [...this.entries.values()].map(async (entry) => ({
        name: entry.model.name,
        lm: await entry.lm?.catch(() => undefined),
      })),
    );
    return settled.filter((item): item is { name: string; lm: LM } => item.lm !== undefined);
  }

  async acquire(name: string): Promise<ModelLease> {
    const entry = this.entries.get(name);
    if (!entry) throw new RangeError(`no model named "${name}" in the pool`);
    entry.leases++;
    entry.lastUsed = ++this.clock;
    try {
      if (!entry.lm) {
        this.evict(entry.model.bytes);
        const lm = entry.model.load();
        entry.lm = lm;
        lm.catch(() => {
          if (entry.lm === lm) entry.lm = undefined;
        });
      }
      const lm = await entry.lm;
      let released = false;
      return {
        lm,
        release: () => {
          if (released) return;
          released = true;
          entry.leases--;
          this.evict(0);
        },
      };
    } catch (error) {
      entry.leases--;
      throw error;
    }
  }

  async dispose(): Promise<void> {
    const lms = [...this.entries.values()].map((entry) => entry.lm);
    for (const entry of this.entries.values()) entry.lm = undefined;
    await Promise.allSettled(lms.map(async (lm) => (await lm)?.dispose()));
  }

  /** Disposes idle models, least recently used first, until `incoming` more bytes fit the budget. */
  private evict(incoming: number): void {
    const newest = Math.max(...[...this.entries.values()].map((entry) => entry.lastUsed));
    const idle = [...this.entries.values()]
      .filter((entry) => entry.lm && entry.leases === 0 && (incoming > 0 || entry.lastUsed !== newest))
      .sort((a, b) => a.lastUsed - b.lastUsed);
    for (const entry of idle) {
      if (this.loadedBytes + incoming <= this.budgetBytes) return;
      const lm = entry.lm!;
      entry.lm = undefined;
      void lm.then((loaded) => loaded.dispose()).catch(() => undefined);
    }
  }
}
