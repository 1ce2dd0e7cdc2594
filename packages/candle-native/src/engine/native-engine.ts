import { AbortError, LMError } from '@x/core';
import type { Engine, ForwardRequest, ModelInfo, SequenceId } from '@x/runtime';
import type { AddonBatchItem, AddonContext, AddonModel } from '../native/native-binding.js';
import { toXError } from '../native/native-errors.js';
import { requireInteger, validateBatch } from './validate-batch.js';

/**
 * The Engine over the C++ engine (xcandle.node). Arguments are validated here, in TS; the addon
 * runs each forward on a worker thread. Forwards run one at a time, in call order.
 */
export class NativeEngine implements Engine {
  /** Tokens held by each live sequence, mirrored so bad requests fail before crossing into C++. */
  private readonly lengths = new Map<SequenceId, number>();
  private readonly abortFlags = new Set<Int32Array>();
  private pending: Promise<unknown> = Promise.resolve();
  private disposed: Promise<void> | undefined;

  constructor(
    readonly info: ModelInfo,
    private readonly model: AddonModel,
    private readonly context: AddonContext,
  ) {}

  createSequence(): SequenceId {
    this.assertOpen();
    const seq = this.call(() => this.context.createSequence());
    this.lengths.set(seq, 0);
    return seq;
  }

  sequenceLength(seq: SequenceId): number {
    return this.length(seq, 'sequenceLength');
  }

  fork(from: SequenceId, nTokens?: number): SequenceId {
    const length = this.length(from, 'fork');
    const count = nTokens === undefined ? length : requireInteger('fork: nTokens', nTokens, 0);
    if (count > length)
      throw new RangeError(`cannot fork ${count} tokens from sequence ${from}, which holds ${length}`);
    const seq = this.call(() => this.context.forkSequence(from, count));
    this.lengths.set(seq, count);
    return seq;
  }

  truncate(seq: SequenceId, nTokens: number): void {
    const length = this.length(seq, 'truncate');
    const count = Math.min(requireInteger('truncate: nTokens', nTokens, 0, Number.MAX_SAFE_INTEGER), length);
    this.call(() => this.context.truncateSequence(seq, count));
    this.lengths.set(seq, count);
  }

  release(seq: SequenceId): void {
    this.assertOpen();
    if (!this.lengths.has(seq)) return;
    this.call(() => this.context.releaseSequence(seq));
    this.lengths.delete(seq);
  }

  forward(batch: ForwardRequest[], signal?: AbortSignal): Promise<Float32Array[]> {
    if (this.disposed !== undefined)
      return Promise.reject(new LMError('the candle-native engine has been disposed'));
    const run = this.pending.then(() => this.run(batch, signal));
    this.pending = run.catch(() => undefined);
    return run;
  }

  /** Aborts forwards in flight, waits for them, then frees the KV cache and unmaps the weights. */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      for (const flag of this.abortFlags) flag[0] = 1;
      this.lengths.clear();
      await this.context.dispose();
      this.model.dispose();
    })();
    return this.disposed;
  }

  private async run(batch: ForwardRequest[], signal?: AbortSignal): Promise<Float32Array[]> {
    // Queued before dispose(): dispose aborts the work it finds.
    if (this.disposed !== undefined) throw new AbortError({ cause: signal?.reason });
    const { vocabSize, contextLength } = this.info;
    const after = validateBatch(batch, this.lengths, { vocabSize, contextLength });
    if (signal?.aborted) throw new AbortError({ cause: signal.reason });
    const items: AddonBatchItem[] = batch
      .filter((request) => request.tokens.length > 0)
      .map(({ seq, tokens, logitsFor }) => ({ seq, tokens, all: logitsFor === 'all' }));
    const logits = items.length === 0 ? new Float32Array(0) : await this.forwardNative(items, signal, after);
    // Ask the engine: a truncate or release called while the forward ran has already applied.
    for (const seq of after.keys()) {
      if (this.lengths.has(seq))
        this.lengths.set(
          seq,
          this.call(() => this.context.sequenceLength(seq)),
        );
    }
    let offset = 0;
    return batch.map(({ tokens, logitsFor }) => {
      const size = (logitsFor === 'all' ? tokens.length : 1) * vocabSize * (tokens.length > 0 ? 1 : 0);
      offset += size;
      return logits.subarray(offset - size, offset);
    });
  }

  private async forwardNative(
    items: AddonBatchItem[],
    signal: AbortSignal | undefined,
    after: Map<SequenceId, number>,
  ): Promise<Float32Array> {
    const abortFlag = new Int32Array(1);
    const onAbort = () => {
      abortFlag[0] = 1;
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    this.abortFlags.add(abortFlag);
    try {
      return await this.context.forward(items, abortFlag);
    } catch (error) {
      const promptTokens = Math.max(...after.values());
      throw toXError(error, { signal, contextLength: this.info.contextLength, promptTokens });
    } finally {
      signal?.removeEventListener('abort', onAbort);
      this.abortFlags.delete(abortFlag);
    }
  }

  private length(seq: SequenceId, operation: string): number {
    this.assertOpen();
    const length = this.lengths.get(seq);
    if (length === undefined) throw new RangeError(`${operation}: unknown sequence ${seq}`);
    return length;
  }

  private call<T>(operation: () => T): T {
    try {
      return operation();
    } catch (error) {
      throw toXError(error, { contextLength: this.info.contextLength });
    }
  }

  private assertOpen(): void {
    if (this.disposed !== undefined) throw new LMError('the candle-native engine has been disposed');
  }
}
