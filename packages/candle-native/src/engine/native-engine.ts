import { AbortError, LMError } from '@x/core';
import {
  checkAllowedRows,
  checkLogitsInto,
  type Engine,
  type ForwardOptions,
  type ForwardRequest,
  type ModelInfo,
  requestLogitsRows,
  type SequenceId,
  SequenceTable,
  SerialQueue,
} from '@x/runtime';
import type { AddonBatchItem, AddonContext, AddonModel } from '../native/native-binding.js';
import { toXError } from '../native/native-errors.js';
import { InlineForwardPolicy } from './inline-forward-policy.js';
import { validateBatchShape } from './validate-batch-shape.js';

/** A sequence as TS mirrors it: the C++ context's id for it and the tokens it holds. */
interface NativeSequence {
  readonly native: number;
  length: number;
}

/** How long a forward may block the event loop by default (see InlineForwardPolicy). */
export const DEFAULT_INLINE_FORWARD_MS = 8;

/** How the last forward that finished ran: the engine's own ms (no hand-offs, no JS), and on which thread. */
export interface ForwardTiming {
  engineMs: number;
  inline: boolean;
}

/**
 * Which addon forward a call makes: each row's argmax, or the logits (into the caller's buffer when
 * given). Plain data rather than a pair of closures: under tsx (keepNames) each closure made per call
 * cost a property definition, ~15 ms over the optimiser benchmark's one-at-a-time half.
 */
type ForwardKind = { argmax: true } | { argmax: false; into: Float32Array | undefined };

const ARGMAX: ForwardKind = { argmax: true };

/**
 * The Engine over the C++ engine (xcandle.node). Arguments are validated here, in TS, so bad requests
 * fail before crossing into C++. Forwards run one at a time, in call order: on a worker thread, or, when
 * the last forward of their size took at most `inlineForwardMs`, on the JS thread after one turn of the
 * event loop (InlineForwardPolicy).
 */
export class NativeEngine implements Engine {
  private readonly sequences = new SequenceTable<NativeSequence>(() => this.assertOpen());
  private readonly queue = new SerialQueue();
  private readonly abortFlags = new Set<Int32Array>();
  private disposed: Promise<void> | undefined;
  private readonly inlinePolicy: InlineForwardPolicy;
  private lastTiming: ForwardTiming | undefined;

  constructor(
    readonly info: ModelInfo,
    private readonly model: AddonModel,
    private readonly context: AddonContext,
    inlineForwardMs = DEFAULT_INLINE_FORWARD_MS,
  ) {
    this.inlinePolicy = new InlineForwardPolicy(inlineForwardMs);
  }

  createSequence(): SequenceId {
    return this.sequences.create(() => ({
      native: this.call(() => this.context.createSequence()),
      length: 0,
    }));
  }

  sequenceLength(seq: SequenceId): number {
    return this.sequences.get(seq).length;
  }

  fork(from: SequenceId, nTokens?: number): SequenceId {
    return this.sequences.fork(from, nTokens, (source, n) => ({
      native: this.call(() => this.context.forkSequence(source.native, n)),
      length: n,
    }));
  }

  truncate(seq: SequenceId, nTokens: number): void {
    this.sequences.truncate(seq, nTokens, (state, n) => {
      this.call(() => this.context.truncateSequence(state.native, n));
      return { native: state.native, length: n };
    });
  }

  release(seq: SequenceId): void {
    this.assertOpen();
    const state = this.sequences.find(seq);
    if (state === undefined) return;
    this.call(() => this.context.releaseSequence(state.native));
    this.sequences.release(seq);
  }

  /** Writes the logits into `options.logitsInto` when given (no allocation per call). */
  forward(batch: ForwardRequest[], signal?: AbortSignal, options?: ForwardOptions): Promise<Float32Array[]> {
    if (this.disposed !== undefined)
      return Promise.reject(new LMError('the candle-native engine has been disposed'));
    return this.queue.run(() => this.run(batch, signal, options?.logitsInto));
  }

  /**
   * Each row's argmax, picked in C++ (AVX2) from logits that never leave it: 4 bytes per row cross
   * into JS instead of a vocabulary of floats. A request's `allowed` mask restricts each of its rows,
   * or its masks one per row (xc_forward_argmax_masked; TypeError unless a Uint32Array or an array of
   * them, RangeError when one is shorter than ceil(vocabSize / 32) words or they are not one per row).
   */
  forwardArgmax(batch: ForwardRequest[], signal?: AbortSignal): Promise<Int32Array[]> {
    if (this.disposed !== undefined)
      return Promise.reject(new LMError('the candle-native engine has been disposed'));
    return this.queue.run(async () => {
      const ids = (await this.runBatch(batch, signal, ARGMAX)) as Int32Array;
      let offset = 0;
      return batch.map((request) => {
        const rows = requestLogitsRows(request);
        offset += rows;
        return ids.subarray(offset - rows, offset);
      });
    });
  }

  /**
   * The last forward that finished: its time in the engine and whether it ran on the JS thread
   * (undefined before any). A caller timing the promise sees this plus the hand-offs and the JS around
   * the call, so the difference tells where a step's wall time went (the concurrency benchmark's trace).
   */
  lastForwardTiming(): ForwardTiming | undefined {
    return this.lastTiming;
  }

  /** Aborts forwards in flight, waits for them, then frees the KV cache and unmaps the weights. */
  dispose(): Promise<void> {
    this.disposed ??= (async () => {
      for (const flag of this.abortFlags) flag[0] = 1;
      this.sequences.clear();
      await this.context.dispose();
      this.model.dispose();
    })();
    return this.disposed;
  }

  private async run(
    batch: ForwardRequest[],
    signal: AbortSignal | undefined,
    into: Float32Array | undefined,
  ): Promise<Float32Array[]> {
    const logits = (await this.runBatch(batch, signal, { argmax: false, into })) as Float32Array;
    const { vocabSize } = this.info;
    let offset = 0;
    return batch.map(({ tokens, logitsFor }) => {
      const size = (logitsFor === 'all' ? tokens.length : 1) * vocabSize * (tokens.length > 0 ? 1 : 0);
      offset += size;
      return logits.subarray(offset - size, offset);
    });
  }

  /**
   * Validates the batch (and `kind.into`, the logits buffer if any), runs the forward on its non-empty items
   * (none: an empty result), then reads back each sequence's length. A forward on the JS thread runs where a worker's
   * would have been queued, so sequence calls made meanwhile by other tasks still apply after it; the event
   * loop then takes a turn before the result is returned (I/O, timers and aborts run between steps, as they
   * would have while a worker computed).
   */
  private async runBatch(
    batch: ForwardRequest[],
    signal: AbortSignal | undefined,
    kind: ForwardKind,
  ): Promise<Float32Array | Int32Array> {
    // Queued before dispose(): dispose aborts the work it finds.
    if (this.disposed !== undefined) throw new AbortError({ cause: signal?.reason });
    validateBatchShape(batch);
    this.sequences.checkBatch(batch, this.info);
    checkLogitsInto(kind.argmax ? undefined : kind.into, batch, this.info.vocabSize);
    if (kind.argmax) checkAllowedRows(batch);
    if (signal?.aborted) throw new AbortError({ cause: signal.reason });
    const states = new Map<SequenceId, NativeSequence>();
    const items: AddonBatchItem[] = [];
    let tokens = 0;
    for (const { seq, tokens: ids, logitsFor, allowed } of batch) {
      const state = this.sequences.get(seq);
      states.set(seq, state);
      if (ids.length === 0) continue;
      const item: AddonBatchItem = { seq: state.native, tokens: ids, all: logitsFor === 'all' };
      if (allowed !== undefined) item.allowed = allowed;
      items.push(item);
      tokens += ids.length;
    }
    const inline = this.inlinePolicy.runsInline(tokens);
    const result =
      items.length === 0
        ? emptyResult(kind)
        : await this.forwardNative(signal, batch, states, tokens, inline, kind, items);
    // Ask the engine: a truncate or release called while the forward ran has already applied.
    for (const [seq, state] of states) {
      if (this.sequences.find(seq) === state) state.length = this.nativeLength(state);
    }
    if (inline && items.length > 0) await nextTurn();
    return result;
  }

  private async forwardNative(
    signal: AbortSignal | undefined,
    batch: readonly ForwardRequest[],
    states: ReadonlyMap<SequenceId, NativeSequence>,
    tokens: number,
    inline: boolean,
    kind: ForwardKind,
    items: AddonBatchItem[],
  ): Promise<Float32Array | Int32Array> {
    const abortFlag = new Int32Array(1);
    const onAbort =
      signal &&
      (() => {
        abortFlag[0] = 1;
      });
    if (onAbort !== undefined) signal?.addEventListener('abort', onAbort, { once: true });
    this.abortFlags.add(abortFlag);
    try {
      if (inline) {
        const started = performance.now();
        const result = kind.argmax
          ? this.context.forwardArgmaxSync(items, abortFlag)
          : this.context.forwardSync(items, abortFlag, kind.into);
        this.inlinePolicy.record(tokens, performance.now() - started);
        this.lastTiming = { engineMs: this.context.lastForwardMs(), inline: true };
        return result;
      }
      const result = await (kind.argmax
        ? this.context.forwardArgmax(items, abortFlag)
        : this.context.forward(items, abortFlag, kind.into));
      // The engine's own time, not the promise's: a step measured with its hand-offs (0.5–1 ms, more on a
      // busy event loop) just over the budget would otherwise stay on the worker, paying them every step.
      const engineMs = this.context.lastForwardMs();
      this.inlinePolicy.record(tokens, engineMs);
      this.lastTiming = { engineMs, inline: false };
      return result;
    } catch (error) {
      const promptTokens = longestAfter(batch, states);
      throw toXError(error, { signal, contextLength: this.info.contextLength, promptTokens });
    } finally {
      if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
      this.abortFlags.delete(abortFlag);
    }
  }

  /** The tokens the C++ context holds in `state`'s sequence (no closure per call: runBatch asks for each). */
  private nativeLength(state: NativeSequence): number {
    try {
      return this.context.sequenceLength(state.native);
    } catch (error) {
      throw toXError(error, { contextLength: this.info.contextLength });
    }
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

function emptyResult(kind: ForwardKind): Float32Array | Int32Array {
  return kind.argmax ? new Int32Array(0) : new Float32Array(0);
}

function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The most tokens any sequence of the batch will hold after it (for the message of a native context error). */
function longestAfter(
  batch: readonly ForwardRequest[],
  states: ReadonlyMap<SequenceId, NativeSequence>,
): number {
  const after = new Map<SequenceId, number>();
  for (const { seq, tokens } of batch)
    after.set(seq, (after.get(seq) ?? states.get(seq)!.length) + tokens.length);
  return Math.max(0, ...after.values());
}
