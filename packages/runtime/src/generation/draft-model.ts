import type { Engine, SequenceId } from '../engine/engine.js';

export interface DraftRequest {
  /** Whose draft sequence to use: the same key on the next step reuses its KV cache. */
  key: object;
  /** The target's tokens so far (prompt and sampled); the draft continues them. */
  context: readonly number[];
  /** Tokens to propose at most. */
  maxDraft: number;
}

interface DraftSequence {
  seq: SequenceId;
  /** Exactly the tokens in `seq`'s cache. */
  tokens: number[];
}

/**
 * Speculative drafting on a smaller model with the target's vocabulary: each key keeps a sequence
 * on the draft engine that follows the target's context (cut back to the common prefix, then fed
 * what is new, so rejected drafts leave nothing behind), and proposes tokens greedily, one batched
 * forward call per drafted token for all keys at once.
 */
export class DraftModel {
  readonly engine: Engine;
  private readonly vocabLimit: number;
  private readonly chunkSize: number;
  private readonly held = new Map<object, DraftSequence>();

  constructor(engine: Engine, options: { vocabLimit?: number; prefillChunkSize?: number } = {}) {
    this.engine = engine;
    this.vocabLimit = Math.min(options.vocabLimit ?? engine.info.vocabSize, engine.info.vocabSize);
    this.chunkSize = Math.max(1, options.prefillChunkSize ?? 512);
  }

  /** Draft sequences held (one per key that has drafted and not been released). */
  get size(): number {
    return this.held.size;
  }

  /**
   * Greedy drafts, one per request in order ([] where the request asks for none or the draft engine
   * has no free sequence or context left). Rejects with the draft engine's error (AbortError when
   * `signal` fires); the keys involved then lose their draft sequences.
   */
  async draft(requests: readonly DraftRequest[], signal?: AbortSignal): Promise<number[][]> {
    const drafts = requests.map((): number[] => []);
    const active: {
      index: number;
      held: DraftSequence;
      pending: number[];
      row?: Float32Array;
      room: number;
    }[] = [];
    requests.forEach((request, index) => {
      const room = Math.min(request.maxDraft, this.engine.info.contextLength - request.context.length + 1);
      if (room <= 0 || request.context.length === 0) return;
      const held = this.sequenceFor(request.key);
      if (held === undefined) return;
      const keep = Math.min(commonPrefixLength(held.tokens, request.context), request.context.length - 1);
      if (held.tokens.length > keep) {
        this.engine.truncate(held.seq, keep);
        held.tokens.length = keep;
      }
      active.push({ index, held, pending: request.context.slice(keep) as number[], room });
    });
    if (active.length === 0) return drafts;
    try {
      // catch up on what the target accepted (the whole prompt on a request's first step)
      for (let feeding = active; feeding.length > 0; feeding = feeding.filter((a) => a.pending.length > 0)) {
        const chunks = feeding.map((a) => a.pending.splice(0, this.chunkSize));
        const rows = await this.forward(
          feeding.map((a, i) => ({ held: a.held, tokens: chunks[i]! })),
          signal,
        );
        feeding.forEach((a, i) => {
          if (a.pending.length === 0) a.row = rows[i];
        });
      }
      for (let drafting = active; drafting.length > 0; ) {
        for (const a of drafting) drafts[a.index]!.push(argmax(a.row!, this.vocabLimit));
        drafting = drafting.filter((a) => drafts[a.index]!.length < a.room);
        if (drafting.length === 0) break;
        const rows = await this.forward(
          drafting.map((a) => ({ held: a.held, tokens: [drafts[a.index]!.at(-1)!] })),
          signal,
        );
        drafting.forEach((a, i) => {
          a.row = rows[i];
        });
      }
    } catch (error) {
      for (const a of active) this.release(requests[a.index]!.key);
      throw error;
    }
    return drafts;
  }

  /** Frees the key's draft sequence (when its request ends). */
  release(key: object): void {
    const held = this.held.get(key);
    if (held === undefined) return;
    this.held.delete(key);
    try {
      this.engine.release(held.seq);
    } catch {
      // The draft engine already lost the sequence (it failed or was disposed): nothing to free.
    }
  }

  /** Frees every draft sequence. */
  clear(): void {
    for (const key of [...this.held.keys()]) this.release(key);
  }

  private sequenceFor(key: object): DraftSequence | undefined {
    let held = this.held.get(key);
    if (held === undefined) {
      let seq: SequenceId;
      try {
        seq = this.engine.createSequence();
      } catch {
        // Every KV slot of the draft engine is taken: this request decodes without drafts.
        return undefined;
      }
      held = { seq, tokens: [] };
      this.held.set(key, held);
    }
    return held;
  }

  private async forward(
    batch: { held: DraftSequence; tokens: number[] }[],
    signal: AbortSignal | undefined,
  ): Promise<Float32Array[]> {
    const rows = await this.engine.forward(
      batch.map(({ held, tokens }) => ({
        seq: held.seq,
        tokens: Int32Array.from(tokens),
        logitsFor: 'last',
      })),
      signal,
    );
    for (const { held, tokens } of batch) held.tokens.push(...tokens);
    return rows;
  }
}

function argmax(row: Float32Array, limit: number): number {
  let best = 0;
  for (let i = 1; i < limit; i++) if (row[i]! > row[best]!) best = i;
  return best;
}

function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}
