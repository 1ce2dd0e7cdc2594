import { ContextLengthError, LMError, throwIfAborted } from '@x/core';
import type { Engine, ForwardRequest, ModelInfo, SequenceId } from '../engine/engine.js';
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
  private readonly sequences = new Map<SequenceId, KVCache>();
  private readonly state: RunState;
  private nextId = 0;
  private disposed = false;
  /** forward() yields to the event loop between tokens, so calls are chained to keep `state` private to one. */
  private pending: Promise<unknown> = Promise.resolve();

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
    };
    this.state = createRunState(config, contextLength);
  }

  createSequence(): SequenceId {
    this.assertOpen();
    const id = this.nextId++;
    const { layerCount, headCountKv, headDim } = this.model.config;
    this.sequences.set(id, new KVCache(layerCount, headCountKv * headDim, this.info.contextLength));
    return id;
  }

  sequenceLength(seq: SequenceId): number {
    return this.cache(seq).length;
  }

  forward(batch: ForwardRequest[], signal?: AbortSignal): Promise<Float32Array[]> {
    const run = this.pending.then(() => this.runBatch(batch, signal));
    this.pending = run.catch(() => undefined);
    return run;
  }

  fork(from: SequenceId, nTokens?: number): SequenceId {
    const source = this.cache(from);
    const n = nTokens ?? source.length;
    if (!Number.isInteger(n) || n < 0 || n > source.length) {
      throw new RangeError(`cannot fork ${n} tokens from sequence ${from}, which holds ${source.length}`);
    }
    const id = this.nextId++;
    this.sequences.set(id, source.fork(n));
    return id;
  }

  truncate(seq: SequenceId, nTokens: number): void {
    const cache = this.cache(seq);
    if (!Number.isInteger(nTokens) || nTokens < 0)
      throw new RangeError(`cannot truncate to ${nTokens} tokens`);
    cache.length = Math.min(cache.length, nTokens);
  }

  release(seq: SequenceId): void {
    this.sequences.delete(seq);
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    this.sequences.clear();
  }

  private async runBatch(batch: ForwardRequest[], signal?: AbortSignal): Promise<Float32Array[]> {
    this.validate(batch);
    throwIfAborted(signal);
    const vocab = this.info.vocabSize;
    const lengthsBefore = new Map(batch.map((request) => [request.seq, this.cache(request.seq).length]));
    try {
      const results: Float32Array[] = [];
      for (const { seq, tokens, logitsFor } of batch) {
        const cache = this.cache(seq);
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
        const cache = this.sequences.get(seq);
        if (cache !== undefined) cache.length = length;
      }
      throw error;
    }
  }

  /** Checks the whole batch before any work, so a bad request leaves every sequence untouched. */
  private validate(batch: ForwardRequest[]): void {
    this.assertOpen();
    const vocab = this.info.vocabSize;
    const planned = new Map<SequenceId, number>();
    for (const { seq, tokens, logitsFor } of batch) {
      const length = (planned.get(seq) ?? this.cache(seq).length) + tokens.length;
      planned.set(seq, length);
      if (tokens.length === 0 && logitsFor === 'last') {
        throw new RangeError(`sequence ${seq}: 'last' logits need at least one token`);
      }
      for (const token of tokens) {
        if (token < 0 || token >= vocab)
          throw new RangeError(`token ${token} is outside the vocabulary (0..${vocab - 1})`);
      }
      if (length > this.info.contextLength) {
        throw new ContextLengthError({ promptTokens: length, contextLength: this.info.contextLength });
      }
    }
  }

  private cache(seq: SequenceId): KVCache {
    this.assertOpen();
    const cache = this.sequences.get(seq);
    if (cache === undefined) throw new RangeError(`unknown sequence ${seq}`);
    return cache;
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
