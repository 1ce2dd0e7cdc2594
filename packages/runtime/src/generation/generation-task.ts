import { computeTimings, type FinishReason, type LMResult } from '@x/core';
import { maskAllows, maskIsEmpty, soleToken, type TokenMask } from '../constrain/grammar-masks.js';
import type { GrammarMatcher } from '../constrain/grammar-matcher.js';
import { maskWithout } from '../sampling/ban-mask.js';
import type { Sampler } from '../sampling/sampler.js';
import type { StreamDecoder } from '../tokenizer/tokenizer.js';
import { engineMask } from './engine-mask.js';
import { StopMatcher } from './stop-matcher.js';

export interface GenerationTaskInit {
  promptTokens: readonly number[];
  /** Tokens to sample at most (>= 1). */
  maxTokens: number;
  sampler: Sampler;
  /** The output grammar: its mask goes to the sampler before every token. */
  constraint?: GrammarMatcher;
  /** Ids that end generation (EOS, EOT, `<|im_end|>`…); their text is never emitted. */
  stopIds: ReadonlySet<number>;
  /** Text sequences that end generation; never emitted. */
  stop?: readonly string[];
  decoder: StreamDecoder;
  /** Receives text deltas in order; its return value is not awaited. */
  emit?: (delta: string) => unknown;
  signal?: AbortSignal;
  /** When the caller's request started (performance.now()); default: now. */
  startMs?: number;
  /** Sees each sampled id with the row it came from, before its text is emitted. */
  observe?: (id: number, logits: Float32Array) => void;
}

/**
 * One generation's policy state: sampling, detokenizing, stop checks and the result. The
 * scheduler owns the engine side (sequences, forward calls) and feeds logits rows to `accept`.
 */
export class GenerationTask {
  readonly promptTokens: readonly number[];
  readonly maxTokens: number;
  readonly signal: AbortSignal | undefined;
  /** Sampled ids, including a final stop id. */
  readonly tokenIds: number[] = [];
  text = '';
  finishReason: FinishReason | undefined;
  /** Prompt tokens actually run through the engine (the rest came from the prefix cache). */
  prefilledTokens = 0;
  reusedTokens = 0;
  prefillStartMs: number | undefined;
  prefillEndMs: number | undefined;
  readonly completion: Promise<LMResult>;
  private readonly startMs: number;
  private firstTokenMs: number | undefined;
  private readonly history: number[];
  private readonly init: GenerationTaskInit;
  private readonly matcher: StopMatcher;
  /** allowedTokens()' mask, until the token it was for is taken. */
  private pendingMask: TokenMask | undefined;
  private resolve!: (result: LMResult) => void;
  private reject!: (error: unknown) => void;

  constructor(init: GenerationTaskInit) {
    this.init = init;
    this.promptTokens = init.promptTokens;
    this.maxTokens = init.maxTokens;
    this.signal = init.signal;
    this.startMs = init.startMs ?? performance.now();
    this.history = [...init.promptTokens];
    this.matcher = new StopMatcher(init.stop ?? []);
    this.completion = new Promise<LMResult>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  /** The token sampled last (the next one to forward). */
  get lastToken(): number {
    return this.tokenIds[this.tokenIds.length - 1]!;
  }

  /** Prompt and sampled ids so far. */
  get context(): readonly number[] {
    return this.history;
  }

  /** True when sampling is deterministic, so drafted tokens can be checked against it. */
  get greedy(): boolean {
    return this.init.sampler.greedy === true;
  }

  /**
   * True when the next token is the argmax of the logits row and nothing else reads the row (no
   * grammar, bias, penalties or logprobs): the scheduler may then ask the engine for the argmax only.
   */
  get argmaxOnly(): boolean {
    return this.argmaxWithMask && this.init.constraint === undefined && this.bannedTokens === undefined;
  }

  /**
   * True when the next token is the argmax of the logits row within `engineAllowed` (the grammar's
   * mask, less the tokens a logit bias bans) and nothing else reads the row (no other bias, penalties
   * or logprobs): the scheduler may then ask the engine for the masked argmax only.
   */
  get argmaxWithMask(): boolean {
    const { sampler } = this.init;
    return (
      (sampler.argmaxOnly === true || sampler.bannedTokens !== undefined) && this.init.observe === undefined
    );
  }

  /** The tokens the sampler's logit bias bans, when that is all the bias does (see Sampler.bannedTokens). */
  get bannedTokens(): readonly number[] | undefined {
    return this.init.sampler.bannedTokens;
  }

  /**
   * The next row's `ForwardRequest.allowed` for a masked argmax (see argmaxWithMask), `vocabSize`
   * wide: the grammar's mask (`allowedTokens`) less the banned tokens; undefined when neither
   * applies, null when the bans leave no token (the sampler then adds their bias: the row needs its
   * logits). A ban list's mask is the same for every row, so it also fits drafted rows.
   */
  engineAllowed(vocabSize: number): Uint32Array | undefined | null {
    return this.engineMaskOf(this.constrained ? this.allowedTokens() : undefined, vocabSize);
  }

  /** A grammar mask (undefined: none) as `engineAllowed` gives it: padded, less the banned tokens. */
  private engineMaskOf(
    grammarMask: TokenMask | undefined,
    vocabSize: number,
  ): Uint32Array | undefined | null {
    const banned = this.bannedTokens;
    if (banned !== undefined) {
      const without = maskWithout(grammarMask && engineMask(grammarMask, vocabSize), banned, vocabSize);
      return without.allowsAny ? without.mask : null;
    }
    return grammarMask === undefined ? undefined : engineMask(grammarMask, vocabSize);
  }

  /**
   * `engineAllowed` for each row of a step that feeds `draft` after the task's context: row j's
   * mask is the one the task will have once it has taken draft[0..j-1] (the grammar looked ahead on
   * a fork, its own state untouched; row 0's is kept for `acceptArgmax` as `allowedTokens` keeps
   * it). The masks stop at the first row whose mask leaves out its draft token: that row cannot
   * pick it, so the rows after it would be rejected, and the draft can be cut to `masks.length - 1`
   * tokens. Only for a grammar-constrained task; null when the bans leave some row no token.
   * Throws what `allowedTokens` would, for any row.
   */
  draftAllowed(vocabSize: number, draft: readonly number[]): Uint32Array[] | null {
    const first = this.engineAllowed(vocabSize);
    if (first === null) return null;
    const masks = [first!];
    const constraint = this.init.constraint!;
    let ahead: GrammarMatcher | undefined;
    for (let j = 0; j < draft.length && maskAllows(masks[j]!, draft[j]!); j++) {
      ahead ??= constraint.fork();
      ahead.advance(draft[j]!);
      // Never undefined: the grammar gives a mask.
      const mask = this.engineMaskOf(ahead.mask(this.remaining - j - 1), vocabSize);
      if (!mask) return null;
      masks.push(mask);
    }
    return masks;
  }

  /** True when the task has an output grammar. */
  get constrained(): boolean {
    return this.init.constraint !== undefined;
  }

  /**
   * The grammar's mask for the next token (undefined without a grammar), kept for `acceptArgmax`; a
   * finished grammar's empty mask included. Throws what `accept` would (a grammar with no way on).
   */
  allowedTokens(): TokenMask | undefined {
    this.pendingMask = this.init.constraint?.mask(this.remaining);
    return this.pendingMask;
  }

  /** Tokens this task may still sample. */
  get remaining(): number {
    return this.maxTokens - this.tokenIds.length;
  }

  /** Samples the next token from one logits row; true when generation is over. */
  accept(logits: Float32Array): boolean {
    this.pendingMask = undefined;
    const constraint = this.init.constraint;
    const mask = constraint?.mask(this.maxTokens - this.tokenIds.length);
    // A finished grammar and no stop token to say so: the text is complete.
    if (constraint?.accepting && maskIsEmpty(mask!)) return this.end('stop', this.init.decoder.flush());
    const id = this.init.sampler.sample(logits, this.history, mask);
    constraint?.advance(id);
    if (!this.init.stopIds.has(id)) this.init.observe?.(id, logits);
    return this.append(id);
  }

  /**
   * Takes the next token as the engine's argmax of the row (`forwardArgmax`, within `engineAllowed`),
   * exactly what `accept` would sample when `argmaxWithMask`; true when generation is over.
   * RangeError when not `argmaxWithMask`, or for a grammar's id of -1 (an engine that saw an empty mask).
   */
  acceptArgmax(id: number): boolean {
    if (!this.argmaxWithMask)
      throw new RangeError(
        'acceptArgmax needs a greedy task with no penalties, logprobs or bias other than bans (see argmaxWithMask)',
      );
    const constraint = this.init.constraint;
    if (constraint !== undefined) {
      const mask = this.pendingMask ?? constraint.mask(this.remaining);
      this.pendingMask = undefined;
      if (constraint.accepting && maskIsEmpty(mask)) return this.end('stop', this.init.decoder.flush());
      // -1: the engine found no allowed token, which a grammar's non-empty mask rules out.
      if (id < 0) throw new RangeError(`the engine's masked argmax is ${id}: its mask allowed no token`);
      constraint.advance(id);
    }
    return this.append(id);
  }

  /**
   * Takes what the grammar leaves no choice about, which a masked argmax would take whatever the
   * logits, so it needs no forward step: each token of an `engineAllowed` mask of one, and the end of
   * a finished grammar; true when generation is over. Only for greedy constrained tasks
   * (`argmaxWithMask`): a sampling task would draw random numbers for those tokens, and `observe`
   * wants their logits. At most `most` tokens (the end included).
   */
  acceptForced(vocabSize: number, most = Number.POSITIVE_INFINITY): boolean {
    const constraint = this.init.constraint;
    if (constraint === undefined || !this.argmaxWithMask) return false;
    for (let taken = 0; taken < most; taken++) {
      const allowed = this.engineAllowed(vocabSize);
      const finished = constraint.accepting && maskIsEmpty(this.pendingMask!);
      const forced = finished ? -1 : allowed ? soleToken(allowed) : undefined;
      if (forced === undefined) return false;
      if (this.acceptArgmax(forced)) return true;
    }
    return false;
  }

  private append(id: number): boolean {
    this.tokenIds.push(id);
    this.history.push(id);
    this.firstTokenMs ??= performance.now();
    if (this.init.stopIds.has(id)) return this.end('stop', this.init.decoder.flush());
    if (this.show(this.init.decoder.push(id))) return this.end('stop', '');
    if (this.tokenIds.length >= this.maxTokens) return this.end('length', this.init.decoder.flush());
    return false;
  }

  finish(): void {
    const endMs = performance.now();
    const timings = computeTimings({
      startMs: this.startMs,
      firstTokenMs: this.firstTokenMs,
      endMs,
      completionTokens: this.tokenIds.length,
    });
    const prefillMs = (this.prefillEndMs ?? endMs) - (this.prefillStartMs ?? endMs);
    if (prefillMs > 0) timings.prefillTokensPerSecond = (this.prefilledTokens * 1000) / prefillMs;
    this.resolve({
      text: this.text,
      tokenIds: [...this.tokenIds],
      usage: {
        promptTokens: this.promptTokens.length,
        completionTokens: this.tokenIds.length,
        cachedPromptTokens: this.reusedTokens,
      },
      finishReason: this.finishReason ?? 'stop',
      timings,
    });
  }

  fail(error: unknown): void {
    this.reject(error);
  }

  /** Emits what the stop matcher lets through; true when a stop string was reached. */
  private show(text: string): boolean {
    if (text === '') return false;
    const match = this.matcher.push(text);
    this.emit(match.text);
    return match.stopped;
  }

  private end(reason: FinishReason, tail: string): true {
    const stopped = this.show(tail);
    if (!stopped) this.emit(this.matcher.flush());
    this.finishReason = stopped ? 'stop' : reason;
    return true;
  }

  private emit(delta: string): void {
    if (delta === '') return;
    this.text += delta;
    this.init.emit?.(delta);
  }
}
