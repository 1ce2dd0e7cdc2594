import { LMError, throwIfAborted } from '@x/core';
import {
  checkLogitsInto,
  type Engine,
  type ForwardOptions,
  type ForwardRequest,
  forwardArgmaxViaLogits,
  type ModelInfo,
  type SequenceId,
  SequenceTable,
  SerialQueue,
} from '@x/runtime';
import { decoderBatchStep } from '../decoder/decoder-batch-step.js';
import type { DecoderIO } from '../decoder/decoder-io.js';
import { decoderStep, emptyKVState, type KVState } from '../decoder/decoder-step.js';
import { type DecodeCosts, planDecodeGroups } from '../decoder/plan-decode-groups.js';
import { ortOutOfMemory } from '../ort/ort-out-of-memory.js';
import type { OrtSession } from '../ort/ort-session.js';

/**
 * An Engine over one onnxruntime session of a decoder with a KV cache. Each sequence keeps the present
 * tensors of its last step and feeds them back as they are; fork and truncate share those tensors and only
 * move a length, the slicing happening once, on the next step. The decode steps of a batch run as one
 * session call, their caches padded to the longest (sequences of equal length only, for graphs that cannot
 * mask padding).
 */
export class OnnxEngine implements Engine {
  private readonly sequences = new SequenceTable<KVState>(() => this.assertOpen());
  private disposed = false;
  private readonly queue = new SerialQueue();
  /** Session calls made so far (a batched decode step counts once). */
  readonly stats = { sessionRuns: 0 };

  constructor(
    private readonly session: OrtSession,
    readonly io: DecoderIO,
    readonly info: ModelInfo,
    /** What a session call costs, to split decode rows of very unequal lengths (without: one call for all). */
    private readonly costs?: Omit<DecodeCosts, 'kvBytesPerToken'>,
  ) {}

  createSequence(): SequenceId {
    return this.sequences.create(() => emptyKVState(this.io));
  }

  sequenceLength(seq: SequenceId): number {
    return this.sequences.get(seq).length;
  }

  /**
   * Returns new arrays (the session allocates its outputs): `options.logitsInto` is only checked for size.
   * When memory runs out it rejects with OutOfMemoryError and every sequence stays as it was.
   */
  forward(batch: ForwardRequest[], signal?: AbortSignal, options?: ForwardOptions): Promise<Float32Array[]> {
    return this.queue.run(() =>
      this.runBatch(batch, signal, options?.logitsInto).catch((error: unknown) => {
        throw ortOutOfMemory(error) ?? error;
      }),
    );
  }

  /** onnxruntime hands the logits to JS anyway: forward, then the argmax of each row. */
  forwardArgmax(batch: ForwardRequest[], signal?: AbortSignal): Promise<Int32Array[]> {
    return forwardArgmaxViaLogits(this, batch, signal);
  }

  fork(from: SequenceId, nTokens?: number): SequenceId {
    return this.sequences.fork(from, nTokens, shareTensors);
  }

  truncate(seq: SequenceId, nTokens: number): void {
    this.sequences.truncate(seq, nTokens, shareTensors);
  }

  release(seq: SequenceId): void {
    this.sequences.release(seq);
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.sequences.clear();
    await this.queue.idle();
    await this.session.dispose();
  }

  /**
   * Runs the batch: single-token steps of distinct sequences share one session call; every other request
   * gets its own. The new caches are committed only when all succeeded.
   */
  private async runBatch(
    batch: ForwardRequest[],
    signal: AbortSignal | undefined,
    into: Float32Array | undefined,
  ): Promise<Float32Array[]> {
    this.sequences.checkBatch(batch, this.info);
    checkLogitsInto(into, batch, this.info.vocabSize);
    const staged = new Map<SequenceId, KVState>();
    const results: Float32Array[] = new Array(batch.length);
    const done = new Set<number>();
    for (const indices of this.decodeGroups(batch)) {
      throwIfAborted(signal);
      const states = indices.map((i) => this.sequences.get(batch[i]!.seq));
      const steps = await decoderBatchStep(
        this.session,
        this.io,
        states,
        indices.map((i) => batch[i]!.tokens[0]!),
      );
      this.stats.sessionRuns++;
      indices.forEach((i, k) => {
        staged.set(batch[i]!.seq, steps[k]!.state);
        results[i] = steps[k]!.logits;
        done.add(i);
      });
    }
    for (const [i, { seq, tokens, logitsFor }] of batch.entries()) {
      if (done.has(i)) continue;
      throwIfAborted(signal);
      if (tokens.length === 0) {
        results[i] = new Float32Array(0);
        continue;
      }
      const state = staged.get(seq) ?? this.sequences.get(seq);
      const step = await decoderStep(this.session, this.io, state, tokens, logitsFor);
      this.stats.sessionRuns++;
      staged.set(seq, step.state);
      results[i] = step.logits;
    }
    throwIfAborted(signal);
    for (const [seq, state] of staged) if (this.sequences.has(seq)) this.sequences.set(seq, state);
    return results;
  }

  /**
   * Indices of one-token requests of sequences that appear once, in groups of two or more: as planned by
   * cost (see planDecodeGroups), or by sequence length where the graph cannot pad.
   */
  private decodeGroups(batch: ForwardRequest[]): number[][] {
    const occurrences = new Map<SequenceId, number>();
    for (const { seq } of batch) occurrences.set(seq, (occurrences.get(seq) ?? 0) + 1);
    const rows = batch.flatMap(({ seq, tokens }, i) =>
      tokens.length === 1 && occurrences.get(seq) === 1 ? [i] : [],
    );
    const lengths = rows.map((i) => this.sequences.get(batch[i]!.seq).length);
    let groups: number[][];
    if (this.io.padding === 'none') {
      const byLength = new Map<number, number[]>();
      for (const [k, i] of rows.entries())
        byLength.set(lengths[k]!, [...(byLength.get(lengths[k]!) ?? []), i]);
      groups = [...byLength.values()];
    } else if (this.costs === undefined) groups = [rows];
    else {
      const costs = { ...this.costs, kvBytesPerToken: this.info.kvBytesPerToken ?? 0 };
      groups = planDecodeGroups(lengths, costs).map((group) => group.map((k) => rows[k]!));
    }
    return groups.filter((indices) => indices.length > 1);
  }

  private assertOpen(): void {
    if (this.disposed) throw new LMError('the onnx engine has been disposed');
  }
}

/** The first `nTokens` of a cache: the same tensors, sliced on the next step. */
function shareTensors(state: KVState, nTokens: number): KVState {
  return { ...state, length: nTokens };
}
