import { LMError, throwIfAborted } from '@x/core';
import { forwardArgmaxViaLogits } from '../engine/argmax-rows.js';
import type { Engine, ForwardOptions, ForwardRequest, ModelInfo, SequenceId } from '../engine/engine.js';
import { checkLogitsInto } from '../engine/logits-row-count.js';
import { SequenceTable } from '../engine/sequence-table.js';
import { SerialQueue } from '../engine/serial-queue.js';
import { forwardToken } from './forward-token.js';
import { KVCache } from './kv-cache.js';
import type { ReferenceModel } from './reference-model.js';
import { createRunState, type RunState } from './run-state.js';
import type { Weights } from './weights.js';

export interface ReferenceEngineOptions {
  /** Tokens one sequence can hold; default and maximum: the model's trained context. */
  contextLength?: number;
  name?: string;
  /** The weight type of the file the weights came from (reported in `info`). */
  weightType?: string;
}

/**
 * The pure-TypeScript reference Engine: f32 math, one token at a time, obviously correct rather than
 * fast. Every other backend is checked against it.
 */
export class ReferenceEngine implements Engine {
  readonly info: ModelInfo;
  private readonly sequences = new SequenceTable<KVCache>(() => this.assertOpen());
  private readonly state: RunState;
  private disposed = false;
  /** forward() yields to the event loop between tokens, so calls are queued to keep `state` private to one. */
  private readonly queue = new SerialQueue();

  constructor(
    readonly model: ReferenceModel,
    options: ReferenceEngineOptions = {},
  ) {
    const { config, weights } = model;
    const trained = config.trainedContextLength;
    const contextLength = Math.min(options.contextLength ?? trained, trained);
    if (!Number.isInteger(contextLength) || contextLength < 1) {
      throw new RangeError(`contextLength must be a positive integer, got ${options.contextLength}`);
    }
    this.info = {
      architecture: config.architecture,
      name: options.name,
      vocabSize: weights.output.rows,
      contextLength,
      embeddingLength: config.embeddingLength,
      layerCount: config.layerCount,
      headCount: config.headCount,
      headCountKv: config.headCountKv,
      weightType: options.weightType ?? 'F32',
      kvType: 'f32',
      device: 'cpu',
      backend: 'reference',
      weightBytes: weightBytes(weights),
      // f32 keys and values of every layer; the cache grows as tokens arrive
      kvBytesPerToken: config.layerCount * 2 * config.headCountKv * config.headDim * 4,
    };
    this.state = createRunState(config, contextLength);
  }

  createSequence(): SequenceId {
    const { layerCount, headCountKv, headDim } = this.model.config;
    return this.sequences.create(
      () => new KVCache(layerCount, headCountKv * headDim, this.info.contextLength),
    );
  }

  sequenceLength(seq: SequenceId): number {
    return this.sequences.get(seq).length;
  }

  /** Returns new arrays: `options.logitsInto` is only checked for size. */
  forward(batch: ForwardRequest[], signal?: AbortSignal, options?: ForwardOptions): Promise<Float32Array[]> {
    return this.queue.run(() => this.runBatch(batch, signal, options?.logitsInto));
  }

  /** The logits are computed in JS anyway: forward, then the argmax of each row. */
  forwardArgmax(batch: ForwardRequest[], signal?: AbortSignal): Promise<Int32Array[]> {
    return forwardArgmaxViaLogits(this, batch, signal);
  }

  fork(from: SequenceId, nTokens?: number): SequenceId {
    return this.sequences.fork(from, nTokens, (source, n) => source.fork(n));
  }

  truncate(seq: SequenceId, nTokens: number): void {
    this.sequences.truncate(seq, nTokens, (cache, n) => {
      cache.length = n;
      return cache;
    });
  }

  release(seq: SequenceId): void {
    this.sequences.release(seq);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.sequences.clear();
  }

  private async runBatch(
    batch: ForwardRequest[],
    signal: AbortSignal | undefined,
    into: Float32Array | undefined,
  ): Promise<Float32Array[]> {
    this.sequences.checkBatch(batch, this.info);
    checkLogitsInto(into, batch, this.info.vocabSize);
    throwIfAborted(signal);
    const vocab = this.info.vocabSize;
    const lengthsBefore = new Map(
      batch.map((request) => [request.seq, this.sequences.get(request.seq).length]),
    );
    try {
      const results: Float32Array[] = [];
      for (const { seq, tokens, logitsFor } of batch) {
        const cache = this.sequences.get(seq);
        const all = logitsFor === 'all';
        const logits = new Float32Array((all ? tokens.length : 1) * vocab);
        for (let i = 0; i < tokens.length; i++) {
          await yieldToEventLoop();
          throwIfAborted(signal);
          const row = all ? i : 0;
          const wantsLogits = all || i === tokens.length - 1;
          const out = wantsLogits ? logits.subarray(row * vocab, (row + 1) * vocab) : undefined;
          forwardToken(this.model, cache, tokens[i]!, cache.length, this.state, out, signal);
          cache.length++;
        }
        results.push(logits);
      }
      return results;
    } catch (error) {
      for (const [seq, length] of lengthsBefore) {
        const cache = this.sequences.find(seq);
        if (cache !== undefined) cache.length = length;
      }
      throw error;
    }
  }

  private assertOpen(): void {
    if (this.disposed) throw new LMError('the reference engine has been disposed');
  }
}

/** Bytes of f32 weights held; a tied LM head is counted once. */
function weightBytes(weights: Weights): number {
  const tensors: Array<Float32Array | { data: Float32Array } | undefined> = [
    weights.tokenEmbedding,
    weights.outputNorm,
    weights.output === weights.tokenEmbedding ? undefined : weights.output,
    weights.outputBias,
    weights.ropeFreqFactors,
    ...weights.layers.flatMap((layer) => Object.values(layer)),
  ];
  let bytes = 0;
  for (const tensor of tensors) {
    if (tensor !== undefined)
      bytes += tensor instanceof Float32Array ? tensor.byteLength : tensor.data.byteLength;
  }
  return bytes;
}

function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
