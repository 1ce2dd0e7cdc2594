import { QueueFullError } from '@x/core';

/** How long a request has taken, recently, from admission to its end (for Retry-After). */
const FALLBACK_SERVICE_MS = 1000;

/**
 * First-in first-out line of requests that have no KV slot yet (preempted ones go back in front). A request whose signal fires while
 * it waits leaves at once (its `onAbort` runs), without waiting for the scheduler's next step. With
 * a limit, `push` throws QueueFullError instead of making the line longer.
 */
export class WaitingQueue<T extends { readonly signal?: AbortSignal }> {
  private readonly items: Array<{ item: T; detach: () => void }> = [];
  private serviceMs: number | undefined;

  constructor(
    private readonly limit: number | undefined,
    private readonly onAbort: (item: T) => void,
  ) {}

  get length(): number {
    return this.items.length;
  }

  peek(): T | undefined {
    return this.items[0]?.item;
  }

  /** The items in line, front first, without taking them out. */
  *[Symbol.iterator](): IterableIterator<T> {
    for (const entry of this.items) yield entry.item;
  }

  /** Adds `item` at the back; throws QueueFullError when `limit` items already wait. */
  push(item: T, slots: number): void {
    if (this.limit !== undefined && this.items.length >= this.limit) {
      const ahead = Math.ceil((this.items.length + 1) / Math.max(1, slots));
      throw new QueueFullError({
        queueLimit: this.limit,
        retryAfterMs: Math.round(ahead * (this.serviceMs ?? FALLBACK_SERVICE_MS)),
      });
    }
    this.items.push(this.entry(item));
  }

  /** Puts `item` back at the front, ahead of everyone (a preempted request); no limit applies. */
  unshift(item: T): void {
    this.items.unshift(this.entry(item));
  }

  /** Takes the front item out of the line. */
  shift(): T | undefined {
    const entry = this.items.shift();
    entry?.detach();
    return entry?.item;
  }

  /** Takes every item out of the line. */
  drain(): T[] {
    const entries = this.items.splice(0);
    for (const entry of entries) entry.detach();
    return entries.map((entry) => entry.item);
  }

  /** Feeds the Retry-After estimate with how long one admitted request held its slot. */
  recordService(ms: number): void {
    this.serviceMs = this.serviceMs === undefined ? ms : 0.8 * this.serviceMs + 0.2 * ms;
  }

  private entry(item: T): { item: T; detach: () => void } {
    // No signal, nothing to listen to: no closures per request.
    if (item.signal === undefined) return { item, detach: nothing };
    const listener = () => {
      if (this.remove(item)) this.onAbort(item);
    };
    item.signal?.addEventListener('abort', listener, { once: true });
    return { item, detach: () => item.signal?.removeEventListener('abort', listener) };
  }

  private remove(item: T): boolean {
    const index = this.items.findIndex((entry) => entry.item === item);
    if (index === -1) return false;
    this.items.splice(index, 1)[0]!.detach();
    return true;
  }
}

function nothing(): void {}
