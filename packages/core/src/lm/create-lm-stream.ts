import { AbortError } from '../errors/abort-error.js';
import { UnsupportedError } from '../errors/unsupported-error.js';
import type { LMResult, LMStream } from './lm.js';

/**
 * Hands one text delta to the stream's consumer. Awaiting the returned promise is optional: it
 * settles at once unless a consumer is iterating and more than `highWaterMark` deltas wait unread.
 */
export type EmitDelta = (delta: string) => Promise<void>;

/** Produces one generation; `signal` fires when the consumer stops iterating early. */
export type LMStreamRun = (emit: EmitDelta, signal: AbortSignal) => Promise<LMResult>;

export interface LMStreamOptions {
  /** Unread deltas above which an awaiting producer is paused. Default 64. */
  highWaterMark?: number;
}

const settled = Promise.resolve();

/**
 * Turns a producer into an `LMStream`: iterable once, in order, with errors from `run` surfacing
 * both from the iterator (after the deltas emitted before them) and from `result`.
 */
export function createLMStream(run: LMStreamRun, options: LMStreamOptions = {}): LMStream {
  const highWaterMark = options.highWaterMark ?? 64;
  const consumerGone = new AbortController();
  let queue: string[] = [];
  let head = 0;
  let finished = false;
  let failure: { error: unknown } | undefined;
  let iterating = false;
  let consumerWaiters: Array<() => void> = [];
  let producerWaiters: Array<() => void> = [];

  const wakeConsumers = () => {
    const waiters = consumerWaiters;
    consumerWaiters = [];
    for (const wake of waiters) wake();
  };
  const wakeProducers = () => {
    const waiters = producerWaiters;
    producerWaiters = [];
    for (const wake of waiters) wake();
  };
  const unread = () => queue.length - head;

  const emit: EmitDelta = (delta) => {
    if (finished || consumerGone.signal.aborted || delta === '') return settled;
    queue.push(delta);
    wakeConsumers();
    if (!iterating || unread() <= highWaterMark) return settled;
    return new Promise<void>((resolve) => producerWaiters.push(resolve));
  };

  const result = settled
    .then(() => run(emit, consumerGone.signal))
    .then(
      (value) => {
        finished = true;
        wakeConsumers();
        return value;
      },
      (error: unknown) => {
        finished = true;
        failure = { error };
        wakeConsumers();
        wakeProducers();
        throw error;
      },
    );
  // Consumers that only iterate must not leave an unhandled rejection behind.
  result.catch(() => {});

  const take = (): string => {
    const value = queue[head++] as string;
    if (head > 1024 && head * 2 > queue.length) {
      queue = queue.slice(head);
      head = 0;
    }
    if (unread() <= highWaterMark) wakeProducers();
    return value;
  };

  const iterator: AsyncIterator<string> = {
    async next() {
      for (;;) {
        if (unread() > 0) return { value: take(), done: false };
        if (failure) {
          const { error } = failure;
          failure = undefined;
          throw error;
        }
        if (finished || consumerGone.signal.aborted) return { value: undefined, done: true };
        await new Promise<void>((resolve) => consumerWaiters.push(resolve));
      }
    },
    async return() {
      if (!finished) consumerGone.abort(new AbortError({ cause: 'the stream consumer stopped early' }));
      queue = [];
      head = 0;
      failure = undefined;
      wakeProducers();
      wakeConsumers();
      return { value: undefined, done: true };
    },
  };

  return {
    result,
    [Symbol.asyncIterator]() {
      if (iterating)
        throw new UnsupportedError('lm-stream-reiterate', 'an LMStream can be iterated only once');
      iterating = true;
      return iterator;
    },
  };
}
