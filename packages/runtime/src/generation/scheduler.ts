import { AbortError, LMError, type LMResult, XError } from '@x/core';
import type { Engine, SequenceId } from '../engine/engine.js';
import type { GenerationTask } from './generation-task.js';
import { PrefixCache } from './prefix-cache.js';

export interface SchedulerOptions {
  /** Prompt tokens per prefill forward call (default 512). */
  prefillChunkSize?: number;
  /** Most sequences in one decode forward call (default 32); the rest wait a step, round robin. */
  maxBatchSize?: number;
  /** Finished sequences kept for prefix reuse (default 4; 0 turns the cache off). */
  prefixCacheSize?: number;
}

interface Slot {
  task: GenerationTask;
  seq: SequenceId | undefined;
  state: 'queued' | 'prefill' | 'decode';
  /** Exactly the tokens in `seq`'s cache. */
  cached: number[];
}

/**
 * Continuous batching over one Engine. Each step runs one prefill chunk for every request still
 * reading its prompt (its own forward call, cancellable by its signal), then one decode forward
 * call for every request that has a sampled token to feed back. Requests join and leave between
 * steps; an aborted request leaves at the next step and its sequence is released.
 */
export class Scheduler {
  private readonly engine: Engine;
  private readonly prefillChunkSize: number;
  /** Most sequences in one decode forward call. */
  readonly maxBatchSize: number;
  private readonly cache: PrefixCache;
  private slots: Slot[] = [];
  private running = false;
  private disposed = false;

  constructor(engine: Engine, options: SchedulerOptions = {}) {
    this.engine = engine;
    this.prefillChunkSize = Math.max(1, options.prefillChunkSize ?? 512);
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 32);
    this.cache = new PrefixCache(engine, options.prefixCacheSize ?? 4);
  }

  /** Requests in flight. */
  get active(): number {
    return this.slots.length;
  }

  /** Queues a task; resolves with its result, rejects with AbortError, LMError or the engine's XError. */
  run(task: GenerationTask): Promise<LMResult> {
    if (this.disposed) task.fail(new LMError('the LM has been disposed'));
    else {
      this.slots.push({ task, seq: undefined, state: 'queued', cached: [] });
      if (!this.running) {
        this.running = true;
        // Starting on a microtask lets requests made in the same tick share their first steps.
        queueMicrotask(() => void this.loop());
      }
    }
    return task.completion;
  }

  /** Fails every request in flight and releases every sequence, cached ones included. */
  dispose(): void {
    this.disposed = true;
    for (const slot of [...this.slots]) this.fail(slot, new LMError('the LM was disposed during generation'));
    this.cache.clear();
  }

  private async loop(): Promise<void> {
    try {
      while (this.slots.length > 0) {
        this.dropAborted();
        await this.prefillStep();
        this.dropAborted();
        await this.decodeStep();
      }
    } catch (error) {
      for (const slot of [...this.slots]) this.fail(slot, error);
    } finally {
      this.running = false;
    }
  }

  private async prefillStep(): Promise<void> {
    for (const slot of this.slots.filter((s) => s.state !== 'decode')) {
      if (!this.slots.includes(slot)) continue;
      try {
        await this.prefillChunk(slot);
      } catch (error) {
        this.fail(slot, error);
      }
    }
  }

  private async prefillChunk(slot: Slot): Promise<void> {
    const { task } = slot;
    if (slot.state === 'queued') {
      const { seq, reused } = this.cache.acquire(task.promptTokens);
      slot.seq = seq;
      slot.cached = task.promptTokens.slice(0, reused);
      slot.state = 'prefill';
      task.reusedTokens = reused;
      task.prefillStartMs = performance.now();
    }
    const chunk = task.promptTokens.slice(slot.cached.length, slot.cached.length + this.prefillChunkSize);
    const logits = await this.engine.forward(
      [{ seq: slot.seq!, tokens: Int32Array.from(chunk), logitsFor: 'last' }],
      task.signal,
    );
    if (!this.slots.includes(slot)) return;
    slot.cached.push(...chunk);
    task.prefilledTokens += chunk.length;
    if (slot.cached.length === task.promptTokens.length) {
      task.prefillEndMs = performance.now();
      slot.state = 'decode';
      this.accept(slot, logits[0]!);
    }
  }

  private async decodeStep(): Promise<void> {
    const ready = this.slots.filter((slot) => slot.state === 'decode');
    if (ready.length === 0) return;
    const batch = ready.slice(0, this.maxBatchSize);
    if (ready.length > batch.length) {
      // Round robin: the slots served now go to the back of the line.
      this.slots = [...this.slots.filter((slot) => !batch.includes(slot)), ...batch];
    }
    const signal = batch.length === 1 ? batch[0]!.task.signal : undefined;
    let logits: Float32Array[];
    try {
      logits = await this.engine.forward(
        batch.map((slot) => ({
          seq: slot.seq!,
          tokens: Int32Array.of(slot.task.lastToken),
          logitsFor: 'last',
        })),
        signal,
      );
    } catch (error) {
      for (const slot of batch) this.fail(slot, error);
      return;
    }
    batch.forEach((slot, i) => {
      if (!this.slots.includes(slot)) return;
      slot.cached.push(slot.task.lastToken);
      this.accept(slot, logits[i]!);
    });
  }

  private accept(slot: Slot, row: Float32Array): void {
    let done: boolean;
    try {
      done = slot.task.accept(
        row.length === this.engine.info.vocabSize ? row : row.subarray(0, this.engine.info.vocabSize),
      );
    } catch (error) {
      this.fail(slot, error);
      return;
    }
    if (!done) return;
    this.remove(slot);
    if (slot.seq !== undefined) this.cache.store(slot.seq, slot.cached);
    slot.task.finish();
  }

  private dropAborted(): void {
    for (const slot of [...this.slots]) if (slot.task.signal?.aborted) this.fail(slot, undefined);
  }

  private fail(slot: Slot, error: unknown): void {
    if (!this.remove(slot)) return;
    if (slot.seq !== undefined) {
      try {
        this.engine.release(slot.seq);
      } catch {
        // The engine already lost the sequence (it failed or was disposed): nothing to free.
      }
    }
    const { task } = slot;
    if (task.signal?.aborted)
      task.fail(new AbortError({ partialText: task.text, cause: task.signal.reason }));
    else if (XError.isInstance(error)) task.fail(error);
    else
      task.fail(
        new LMError(`generation failed: ${(error as Error)?.message ?? String(error)}`, { cause: error }),
      );
  }

  private remove(slot: Slot): boolean {
    const index = this.slots.indexOf(slot);
    if (index === -1) return false;
    this.slots.splice(index, 1);
    return true;
  }
}
