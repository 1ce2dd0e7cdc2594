import { OutOfMemoryError } from '@x/core';
import type { GenerationTask } from './generation-task.js';

/** Share of the KV budget a request must leave free when admitted, so it can grow a while. */
const ADMISSION_WATERMARK = 0.01;

/** What the KV planner reads of an admitted request. */
export interface KvHolder {
  readonly task: GenerationTask;
  readonly state: 'queued' | 'prefill' | 'decode';
  /** Tokens in the request's sequence. */
  readonly cached: readonly number[];
  /** Tokens to run before decoding: the prompt, or after a preemption all but the last sampled token. */
  readonly target: readonly number[];
}

/** What Preemption needs of the scheduler. */
export interface PreemptionHost<S extends KvHolder> {
  /** The admitted requests. */
  slots(): readonly S[];
  /** KV tokens held once the coming step has run, by admitted requests and the prefix cache. */
  plannedTokens(): number;
  /** Releases the least recently used prefix-cache entry; false when the cache is empty. */
  evictCached(): boolean;
  /** Releases the request's sequence and puts it back at the front of the line. */
  requeue(slot: S): void;
  /** Ends the request with `error`, releasing its sequence. */
  fail(slot: S, error: unknown): void;
}

/**
 * The tokens a request must (re)compute before it decodes: its prompt, or once it has sampled, its
 * prompt and sampled tokens but the last, which the next decode step feeds as usual. Nothing is
 * sampled while recomputing, so the sampler, grammar, stop matcher and stream decoder carry on
 * exactly where they stopped.
 */
export function recomputeTarget(task: GenerationTask): readonly number[] {
  return task.tokenIds.length === 0 ? task.promptTokens : task.context.slice(0, -1);
}

/**
 * KV tokens a request holds once the coming step has run: its whole context while it decodes (the
 * tokens it feeds next included); its whole target while it waits or prefills (reserved at
 * admission, so a prefill already under way is not what runs the memory out).
 */
export function kvFootprint(holder: KvHolder): number {
  return holder.state === 'decode' ? holder.task.context.length : holder.target.length;
}

/**
 * Preemption by recompute under a KV budget (`kvMemoryBytes`). Requests are admitted by the KV they
 * hold now, not by their worst case (prompt + maxTokens), so more run at once; when a step would
 * take more than the budget (or the engine runs out of memory), the request that arrived last gives
 * way: its sequence is released, its sampled tokens kept, and it goes back to the front of the line.
 * Taking the latest arrival rather than the latest admission keeps the oldest requests always
 * moving, so nobody starves: a readmitted request keeps its place in arrival order.
 */
export class Preemption<S extends KvHolder> {
  /** Requests preempted so far. */
  preemptions = 0;
  /** Tokens run again to rebuild preempted requests' KV (prefix-cache hits excluded). */
  recomputedTokens = 0;
  /** The budget in tokens; undefined when there is none (no kvMemoryBytes or no size per token). */
  readonly limitTokens: number | undefined;
  private readonly limitBytes: number | undefined;
  private readonly bytesPerToken: number;
  private readonly arrivals = new WeakMap<GenerationTask, number>();
  private readonly preempted = new WeakSet<GenerationTask>();
  private nextArrival = 0;
  private paused = false;
  private readonly host: PreemptionHost<S>;

  constructor(host: PreemptionHost<S>, limitBytes: number | undefined, bytesPerToken: number) {
    this.host = host;
    this.limitBytes = limitBytes;
    this.bytesPerToken = bytesPerToken;
    this.limitTokens =
      limitBytes === undefined || bytesPerToken <= 0 ? undefined : Math.floor(limitBytes / bytesPerToken);
  }

  /** Notes a new request's place in arrival order. */
  arrived(task: GenerationTask): void {
    this.arrivals.set(task, this.nextArrival++);
  }

  /** True once `task` has been preempted: its prefill is a recompute. */
  wasPreempted(task: GenerationTask): boolean {
    return this.preempted.has(task);
  }

  /**
   * Makes the coming step fit the budget: prefix-cache entries go first, then the latest arrivals
   * are preempted; a request that does not fit even alone fails with OutOfMemoryError.
   */
  makeRoom(): void {
    // Without a budget nothing exceeds it: no need to sum the planned tokens every step.
    if (this.limitTokens === undefined) return;
    while (this.exceeds(this.host.plannedTokens())) {
      if (this.host.evictCached()) continue;
      const slots = this.host.slots();
      const victim = this.victim(slots)!;
      if (slots.length === 1) this.host.fail(victim, this.tooLarge(victim.task, kvFootprint(victim)));
      else this.preempt(victim);
    }
  }

  /**
   * After the engine ran out of memory (the scheduler has undone the failed call): frees a
   * prefix-cache entry, else preempts the latest arrival, and admits nobody until a request
   * leaves, since readmitting the one that just gave way would only run out again. False when
   * nothing can give way.
   */
  outOfMemory(): boolean {
    if (!this.host.evictCached()) {
      const slots = this.host.slots();
      if (slots.length < 2) return false;
      this.preempt(this.victim(slots)!);
    }
    this.paused = true;
    return true;
  }

  /** True from an engine out-of-memory until a request leaves. */
  get admissionPaused(): boolean {
    return this.paused;
  }

  /** A request left (finished or failed): admission, if paused, resumes. */
  left(): void {
    this.paused = false;
  }

  /** Cuts a step's drafts to the budget's spare tokens: a draft sits in the sequence while verified. */
  fitDrafts(drafts: number[][]): number[][] {
    if (this.limitTokens === undefined) return drafts;
    let spare = this.limitTokens - this.host.plannedTokens();
    return drafts.map((draft) => {
      const kept = draft.slice(0, Math.max(0, spare));
      spare -= kept.length;
      return kept;
    });
  }

  /** Counts a prefill chunk: a first prefill's prompt tokens, or a preempted request's recompute. */
  countPrefill(task: GenerationTask, tokens: number): void {
    if (this.preempted.has(task)) this.recomputedTokens += tokens;
    else task.prefilledTokens += tokens;
  }

  /** True when `tokens` of KV would exceed the budget. */
  exceeds(tokens: number): boolean {
    return this.limitTokens !== undefined && tokens > this.limitTokens;
  }

  /**
   * Whether a waiting task may join the requests planned so far (the host's plannedTokens): its
   * target, its first decode step, and a watermark of the budget as headroom (capped by what it may
   * still sample), so that it is not preempted again at once. False while admission is paused.
   */
  admits(task: GenerationTask): boolean {
    if (this.paused) return false;
    if (this.limitTokens === undefined) return true;
    const planned = this.host.plannedTokens();
    const headroom = Math.min(
      Math.max(0, task.remaining - 1),
      Math.ceil(this.limitTokens * ADMISSION_WATERMARK),
    );
    return !this.exceeds(planned + recomputeTarget(task).length + 1 + headroom);
  }

  /** Whether `task` fits the budget on its own (its target and one decode step). */
  fitsAlone(task: GenerationTask): boolean {
    return !this.exceeds(recomputeTarget(task).length + 1);
  }

  /** The holder that gives way: the one that arrived last. */
  victim(holders: readonly S[]): S | undefined {
    let latest: S | undefined;
    for (const holder of holders)
      if (latest === undefined || this.arrival(holder.task) > this.arrival(latest.task)) latest = holder;
    return latest;
  }

  /** The error for a request that needs `tokens` of KV alone, more than the whole budget. */
  tooLarge(task: GenerationTask, tokens: number): OutOfMemoryError {
    const neededBytes = tokens * this.bytesPerToken;
    return new OutOfMemoryError(
      `the request needs ${tokens} tokens of KV cache (${neededBytes} bytes: ${task.promptTokens.length} ` +
        `prompt + ${task.tokenIds.length} generated), more than kvMemoryBytes allows on its own ` +
        `(${this.limitBytes} bytes, ${this.limitTokens} tokens)`,
      { neededBytes, limitBytes: this.limitBytes, partialText: task.text },
    );
  }

  private preempt(slot: S): void {
    this.preemptions++;
    this.preempted.add(slot.task);
    this.host.requeue(slot);
  }

  private arrival(task: GenerationTask): number {
    return this.arrivals.get(task) ?? Number.POSITIVE_INFINITY;
  }
}
