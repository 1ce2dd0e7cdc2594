import { throwIfAborted } from '../errors/abort-error.js';

/**
 * Runs `task` over `items` with at most `concurrency` tasks in flight (`Infinity`: all at once) and
 * resolves to their results in the order of `items`. Tasks start in item order; the first `warmup`
 * run alone before the others start (so a local LM's prefix cache holds their shared prompt prefix
 * before a batch arrives). A task's rejection rejects the whole map after the tasks already running
 * settle; so does the signal firing.
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  concurrency: number,
  task: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
  warmup = 0,
): Promise<R[]> {
  if (!(concurrency >= 1) || (Number.isFinite(concurrency) && !Number.isInteger(concurrency))) {
    throw new RangeError(`concurrency must be a positive integer or Infinity, got ${concurrency}`);
  }
  throwIfAborted(signal);
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (next < items.length && !failed && !signal?.aborted) {
      const index = next++;
      try {
        results[index] = await task(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  while (next < Math.min(warmup, items.length) && !signal?.aborted) {
    const index = next++;
    results[index] = await task(items[index] as T, index);
  }
  const workers = Array.from({ length: Math.min(concurrency, items.length - next) }, worker);
  const settled = await Promise.allSettled(workers);
  const rejected = settled.find((outcome) => outcome.status === 'rejected');
  if (rejected) throw (rejected as PromiseRejectedResult).reason;
  throwIfAborted(signal);
  return results;
}
