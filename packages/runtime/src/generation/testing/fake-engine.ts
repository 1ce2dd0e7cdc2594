import { AbortError, LMError, OutOfMemoryError } from '@x/core';
import { forwardArgmaxViaLogits } from '../../engine/argmax-rows.js';
import type {
  Engine,
  ForwardOptions,
  ForwardRequest,
  ModelInfo,
  SequenceId,
  TokenAllowance,
} from '../../engine/engine.js';
import { checkLogitsInto } from '../../engine/logits-row-count.js';
import { SequenceTable } from '../../engine/sequence-table.js';

export interface FakeEngineOptions {
  vocabSize: number;
  contextLength?: number;
  /** The token made most likely after `tokens` (the sequence's whole cache). Default: (last + 1) % vocab. */
  next?: (tokens: readonly number[], vocabSize: number) => number;
  /** Logit of the favoured token; every other token gets 0. Default 10. */
  peak?: number;
  /** Milliseconds each forward call waits before answering (default: one macrotask). */
  delayMs?: number;
  /** Sequences held at once; one more fails as native KV caches do (default: no limit, unreported). */
  maxSequences?: number;
  /** Reported as info.kvBytesPerToken. */
  kvBytesPerToken?: number;
  /**
   * Tokens all sequences may hold together; a forward call that would go past it throws
   * OutOfMemoryError and appends nothing (default: no limit).
   */
  kvTokenLimit?: number;
  /** Gives the engine `forwardArgmax` (counted in `argmaxCalls`); default: absent, as engines may leave it. */
  argmax?: boolean;
}

/** What one forward call asked for, copied. */
export interface RecordedRequest {
  seq: SequenceId;
  tokens: number[];
  logitsFor: 'last' | 'all';
}

/** A deterministic Engine for tests: logits are a function of each sequence's cached tokens. */
export class FakeEngine implements Engine {
  readonly info: ModelInfo;
  readonly calls: RecordedRequest[][] = [];
  /** Each forward call's `options.logitsInto`, in order. */
  readonly logitsIntoCalls: Array<Float32Array | undefined> = [];
  readonly sequences = new Map<SequenceId, number[]>();
  forkCalls = 0;
  /** The most sequences held at once so far. */
  peakSequences = 0;
  /** The most tokens all sequences held together after a forward call so far. */
  peakTokens = 0;
  disposed = false;
  /** forwardArgmax calls so far (each also runs, and records, a forward call). */
  argmaxCalls = 0;
  /** Each forwardArgmax call's `allowed` masks, one entry per request (undefined: every token). */
  readonly argmaxAllowed: Array<Array<TokenAllowance | undefined>> = [];
  readonly forwardArgmax?: (batch: ForwardRequest[], signal?: AbortSignal) => Promise<Int32Array[]>;
  private readonly table = new SequenceTable<number[]>(() => this.assertOpen(), this.sequences);
  private readonly options: FakeEngineOptions;

  constructor(options: FakeEngineOptions) {
    this.options = options;
    this.info = {
      architecture: 'fake',
      name: 'fake',
      vocabSize: options.vocabSize,
      contextLength: options.contextLength ?? 256,
      embeddingLength: 8,
      layerCount: 1,
      headCount: 1,
      headCountKv: 1,
      weightType: 'F32',
      kvType: 'f32',
      device: 'cpu',
      backend: 'fake',
      maxSequences: options.maxSequences,
      kvBytesPerToken: options.kvBytesPerToken,
    };
    if (options.argmax)
      this.forwardArgmax = (batch, signal) => {
        this.argmaxCalls++;
        this.argmaxAllowed.push(batch.map((request) => request.allowed));
        return forwardArgmaxViaLogits(this, batch, signal);
      };
  }

  /** Tokens appended over all forward calls. */
  get forwardedTokens(): number {
    return this.calls.flat().reduce((sum, request) => sum + request.tokens.length, 0);
  }

  /** Tokens all sequences hold together. */
  get heldTokens(): number {
    let sum = 0;
    for (const tokens of this.sequences.values()) sum += tokens.length;
    return sum;
  }

  createSequence(): SequenceId {
    this.assertOpen();
    this.checkFreeSlot();
    const seq = this.table.create(() => []);
    this.peakSequences = Math.max(this.peakSequences, this.sequences.size);
    return seq;
  }

  sequenceLength(seq: SequenceId): number {
    return this.table.get(seq).length;
  }

  /** Writes into `options.logitsInto` when given, as candle-native does. */
  async forward(
    batch: ForwardRequest[],
    signal?: AbortSignal,
    options?: ForwardOptions,
  ): Promise<Float32Array[]> {
    this.calls.push(batch.map((r) => ({ seq: r.seq, tokens: Array.from(r.tokens), logitsFor: r.logitsFor })));
    this.logitsIntoCalls.push(options?.logitsInto);
    this.table.checkBatch(batch, this.info);
    checkLogitsInto(options?.logitsInto, batch, this.info.vocabSize);
    await new Promise((resolve) =>
      this.options.delayMs ? setTimeout(resolve, this.options.delayMs) : setImmediate(resolve),
    );
    if (signal?.aborted) throw new AbortError({ cause: signal.reason });
    const after = this.heldTokens + batch.reduce((sum, request) => sum + request.tokens.length, 0);
    if (this.options.kvTokenLimit !== undefined && after > this.options.kvTokenLimit)
      throw new OutOfMemoryError(
        `the fake KV cache holds ${this.options.kvTokenLimit} tokens, ${after} asked`,
      );
    this.peakTokens = Math.max(this.peakTokens, after);
    const into = options?.logitsInto;
    let offset = 0;
    return batch.map((request) => {
      const cache = this.table.get(request.seq);
      const rows: number[][] = [];
      for (const token of request.tokens) {
        cache.push(token);
        rows.push(this.row(cache));
      }
      const values = request.logitsFor === 'last' ? rows[rows.length - 1]! : rows.flat();
      if (into === undefined) return Float32Array.from(values);
      // Like candle-native: rows written in place, so callers that keep a row past the next call see it change.
      const view = into.subarray(offset, offset + values.length);
      view.set(values);
      offset += values.length;
      return view;
    });
  }

  fork(from: SequenceId, nTokens?: number): SequenceId {
    this.forkCalls++;
    this.table.get(from);
    this.checkFreeSlot();
    const seq = this.table.fork(from, nTokens, (source, n) => source.slice(0, n));
    this.peakSequences = Math.max(this.peakSequences, this.sequences.size);
    return seq;
  }

  truncate(seq: SequenceId, nTokens: number): void {
    this.table.truncate(seq, nTokens, (cache, n) => {
      cache.length = n;
      return cache;
    });
  }

  release(seq: SequenceId): void {
    this.table.get(seq);
    this.table.release(seq);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
  }

  private assertOpen(): void {
    if (this.disposed) throw new LMError('the fake engine has been disposed');
  }

  private checkFreeSlot(): void {
    const limit = this.options.maxSequences;
    if (limit !== undefined && this.sequences.size >= limit)
      throw new Error(`all ${limit} sequences are in use`);
  }

  private row(tokens: readonly number[]): number[] {
    const { vocabSize } = this.info;
    const next = this.options.next ?? ((cached, size) => ((cached[cached.length - 1] ?? 0) + 1) % size);
    const row = new Array<number>(vocabSize).fill(0);
    row[next(tokens, vocabSize)] = this.options.peak ?? 10;
    return row;
  }
}
