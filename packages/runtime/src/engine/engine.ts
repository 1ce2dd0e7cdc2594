/** A KV-cache slot inside an engine. Opaque to callers. */
export type SequenceId = number;

export interface ModelInfo {
  /** GGUF `general.architecture` (llama, qwen2, qwen3, phi3, gemma2, …). */
  architecture: string;
  name?: string;
  vocabSize: number;
  /** Tokens one sequence can hold (the engine's context, ≤ the model's trained context). */
  contextLength: number;
  embeddingLength: number;
  layerCount: number;
  headCount: number;
  headCountKv: number;
  /** The dominant weight type (F32, F16, Q8_0, Q4_K, …). */
  weightType: string;
  kvType: 'f32' | 'f16';
  /** Where the math runs: 'cpu', 'cuda:0', … */
  device: string;
  /** Which engine: 'reference', 'candle-native', 'onnx'. */
  backend: string;
  /** Bytes the engine holds for weights (mapped or copied). */
  weightBytes?: number;
  /** Sequences (KV slots) the engine can hold at once, when it has a fixed number. */
  maxSequences?: number;
  /** KV-cache bytes one token of one sequence takes, when the engine allocates per token. */
  kvBytesPerToken?: number;
}

export interface ForwardRequest {
  seq: SequenceId;
  /** Tokens appended to the sequence's cache, in order. */
  tokens: Int32Array;
  /** Which rows of logits to return: the last token only, or one row per token. */
  logitsFor: 'last' | 'all';
  /**
   * `forwardArgmax` only: the tokens this request's rows may pick, as a token bitset (bit `id & 31`
   * of word `id >>> 5`, at least ceil(vocabSize / 32) words; see applyTokenMask) for every row, or
   * an array of them, one per row in order (exactly the request's logits rows, else RangeError):
   * a drafted grammar-constrained row may pick what the grammar allows after the draft tokens
   * before it. A row's id is then the first largest allowed logit (0 when every allowed logit is
   * -Infinity/NaN, as greedyPick gives), or -1 when its mask allows no token. `forward` ignores it.
   */
  allowed?: TokenAllowance;
}

/** `ForwardRequest.allowed`: one token bitset for every row, or one per row. */
export type TokenAllowance = Uint32Array | readonly Uint32Array[];

export interface ForwardOptions {
  /**
   * A caller-owned buffer the engine may write the logits into, from its start, instead of
   * allocating new arrays; the returned rows are then views of it, overwritten when the caller
   * passes it again. It must hold at least `logitsRowCount(batch) × vocabSize` floats (else
   * RangeError), and the caller must not touch it until the call settles. Engines that cannot write
   * in place ignore it and return new arrays (the reference and ONNX engines); candle-native writes
   * into it, which spares a scheduler step the allocation, zeroing and page faults of fresh logits.
   */
  logitsInto?: Float32Array;
}

/**
 * The seam between policy (sampling, stops, scheduling, caching) and math. Every backend
 * implements it; everything above it is shared.
 */
export interface Engine {
  readonly info: ModelInfo;
  createSequence(): SequenceId;
  /** Tokens currently held in the sequence's cache. */
  sequenceLength(seq: SequenceId): number;
  /**
   * Appends each request's tokens to its sequence and returns, per request in order, the logits
   * as a row-major Float32Array of `rows × vocabSize` (rows = 1 for 'last', tokens.length for 'all').
   * Rejects with AbortError when `signal` fires; the sequences are then left as they were before the call.
   */
  forward(batch: ForwardRequest[], signal?: AbortSignal, options?: ForwardOptions): Promise<Float32Array[]>;
  /**
   * Optional: `forward` for greedy decoding. The same call (same rows, validation, abort and errors),
   * but each logits row comes back as the id of its largest logit only: an Int32Array per request
   * with one id per row (`argmax` of packages/runtime/src/sampling/argmax.ts: the first index of the
   * largest value wins, NaN never wins, 0 for a row of only -Infinity/NaN). candle-native picks it in
   * C++, so a step moves 4 bytes per row instead of a vocabulary of floats; engines without it leave
   * it undefined and the scheduler reads logits. The scheduler calls it only for steps whose every
   * request samples plain greedy (temperature 0, no bias, penalties or logprobs); a grammar's mask
   * comes as the request's `allowed`, which every implementation must honour (`forwardArgmaxViaLogits`
   * does for engines that compute logits in JS).
   */
  forwardArgmax?(batch: ForwardRequest[], signal?: AbortSignal): Promise<Int32Array[]>;
  /** A new sequence sharing the first `nTokens` (default: all) of `from`'s cache. */
  fork(from: SequenceId, nTokens?: number): SequenceId;
  /** Drops every token after the first `nTokens`. */
  truncate(seq: SequenceId, nTokens: number): void;
  release(seq: SequenceId): void;
  dispose(): Promise<void>;
}
