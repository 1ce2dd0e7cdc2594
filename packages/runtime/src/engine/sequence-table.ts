import { ContextLengthError } from '@x/core';
import type { ForwardRequest, ModelInfo, SequenceId } from './engine.js';

/**
 * The sequence bookkeeping of an Engine: ids, lookup, and the argument checks of fork, truncate and
 * forward. Each entry is the engine's own per-sequence state, which knows how many tokens it holds.
 * Every lookup first runs `assertOpen`, so a disposed engine fails before anything else is checked.
 */
export class SequenceTable<S extends { readonly length: number }> {
  private nextId = 0;

  /** `states` may be a map the caller also reads (a test engine shows its caches through it). */
  constructor(
    private readonly assertOpen: () => void,
    private readonly states = new Map<SequenceId, S>(),
  ) {}

  /** Stores the state `init` builds under a new id. */
  create(init: () => S): SequenceId {
    this.assertOpen();
    return this.add(init());
  }

  /** The state of `seq`, or a RangeError for an unknown (or released) one. */
  get(seq: SequenceId): S {
    this.assertOpen();
    const state = this.states.get(seq);
    if (state === undefined) throw new RangeError(`unknown sequence ${seq}`);
    return state;
  }

  /** The state of `seq` if it is still held, without the open and unknown checks. */
  find(seq: SequenceId): S | undefined {
    return this.states.get(seq);
  }

  has(seq: SequenceId): boolean {
    return this.states.has(seq);
  }

  set(seq: SequenceId, state: S): void {
    this.states.set(seq, state);
  }

  /** Checks `nTokens` (default: all of `from`) and stores what `prefix` makes of the source under a new id. */
  fork(from: SequenceId, nTokens: number | undefined, prefix: (source: S, nTokens: number) => S): SequenceId {
    const source = this.get(from);
    const n = nTokens ?? source.length;
    if (!Number.isInteger(n) || n < 0 || n > source.length) {
      throw new RangeError(`cannot fork ${n} tokens from sequence ${from}, which holds ${source.length}`);
    }
    return this.add(prefix(source, n));
  }

  /** Checks `nTokens`; when it is shorter than `seq`, stores what `prefix` makes of the state. */
  truncate(seq: SequenceId, nTokens: number, prefix: (state: S, nTokens: number) => S): void {
    const state = this.get(seq);
    if (!Number.isInteger(nTokens) || nTokens < 0)
      throw new RangeError(`cannot truncate to ${nTokens} tokens`);
    if (nTokens < state.length) this.states.set(seq, prefix(state, nTokens));
  }

  release(seq: SequenceId): void {
    this.states.delete(seq);
  }

  clear(): void {
    this.states.clear();
  }

  /** Checks the whole batch before any work, so a bad request leaves every sequence untouched. */
  checkBatch(batch: readonly ForwardRequest[], info: Pick<ModelInfo, 'vocabSize' | 'contextLength'>): void {
    this.assertOpen();
    const { vocabSize, contextLength } = info;
    const planned = new Map<SequenceId, number>();
    for (const { seq, tokens, logitsFor } of batch) {
      const length = (planned.get(seq) ?? this.get(seq).length) + tokens.length;
      planned.set(seq, length);
      if (tokens.length === 0 && logitsFor === 'last') {
        throw new RangeError(`sequence ${seq}: 'last' logits need at least one token`);
      }
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i]!;
        if (token < 0 || token >= vocabSize)
          throw new RangeError(`token ${token} is outside the vocabulary (0..${vocabSize - 1})`);
      }
      if (length > contextLength) throw new ContextLengthError({ promptTokens: length, contextLength });
    }
  }

  private add(state: S): SequenceId {
    const id = this.nextId++;
    this.states.set(id, state);
    return id;
  }
}
