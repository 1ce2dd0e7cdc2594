import { AbortError, LMError, type LMResult, OutOfMemoryError, XError } from '@x/core';
import type { Engine, ForwardRequest, SequenceId } from '../engine/engine.js';
import { logitsRowCount } from '../engine/logits-row-count.js';
import type { DraftModel } from './draft-model.js';
import type { GenerationTask } from './generation-task.js';
import { nextTurn } from './next-turn.js';
import { kvFootprint, Preemption, recomputeTarget } from './preemption.js';
import { forkPrefix, PrefixCache } from './prefix-cache.js';
import { DEFAULT_MAX_SEQUENCES, type SchedulerOptions, type SchedulerStats } from './scheduler-options.js';
import { commonPrefixLength, newSlot, type Slot } from './scheduler-slot.js';
import { SpeculativeDrafts } from './speculative-drafts.js';
import { WaitingQueue } from './waiting-queue.js';

export { DEFAULT_MAX_SEQUENCES, type SchedulerOptions, type SchedulerStats } from './scheduler-options.js';

/**
 * JS work a step's outputs will need (a grammar's token trie), done while the engine computes a
 * step instead of before it: `pending` says whether any is left.
 */
export interface IdleWork {
  pending(): boolean;
  run(): void;
}

/** Most logits rows of a step written into the scheduler's reused buffer (64 × 152k floats ≈ 39 MB). */
const REUSED_LOGITS_ROWS = 64;

/**
 * Continuous batching over one Engine. Each step is one forward call: a token for every request
 * that has a sampled token to feed back (decodes first), then the next prompt chunk of the requests
 * still reading their prompts, under a token budget. Requests join and leave between steps; an
 * aborted request leaves at the next step (a call carrying prompt chunks stops at once) and its
 * sequence is released.
 *
 * Admission: a request takes a KV slot only while fewer than `maxSequences` are held (and its
 * prompt fits `kvMemoryBytes`); otherwise it waits in a FIFO line. Prefix-cache entries (kept in
 * the slots nobody runs in) give their slots up, oldest first, whenever someone is waiting; one whose
 * prompt an entry holds takes that entry's sequence instead. A request aborted while waiting leaves
 * the line at once. When a step would go past `kvMemoryBytes`, or the engine runs out of memory,
 * the latest arrival is preempted: back to the front of the line, recomputed when readmitted.
 *
 * Prefixes: a request starts from a fork of the prefix cache's longest match (a radix tree), or of
 * a running request sharing a longer prompt prefix, waiting until that one has prefilled it; so
 * calls made together compute their common prefix once. Greedy requests in small batches decode
 * with prompt-lookup drafts, verified in the same forward call and truncated where rejected.
 */
export class Scheduler {
  private readonly engine: Engine;
  private readonly prefillChunkSize: number;
  private readonly prefillStepTokens: number;
  /** Most decoding sequences in one step. */
  readonly maxBatchSize: number;
  private readonly cache: PrefixCache;
  private readonly maxSequences: number;
  private readonly kvMemoryBytes: number | undefined;
  private readonly waiting: WaitingQueue<GenerationTask>;
  private readonly preemption: Preemption<Slot>;
  private readonly sharedPrefixMinTokens: number;
  private readonly drafts: SpeculativeDrafts;
  private readonly draftModel: DraftModel | undefined;
  private readonly engineArgmax: boolean;
  private readonly feedForcedTokens: boolean;
  private readonly idleWork: IdleWork | undefined;
  private slots: Slot[] = [];
  /** Every step's logits, reused: each step reads its rows before the next forward call. */
  private logitsBuffer = new Float32Array(0);
  private running = false;
  private disposed = false;
  /** Requests finished so far (the loop yields after a step that finished some). */
  private finished = 0;

  /**
   * `draftModel`: greedy requests in small batches draft on it instead of by prompt lookup.
   * `idleWork`: run on the turn after a step's forward call starts, while any is pending.
   */
  constructor(engine: Engine, options: SchedulerOptions = {}, draftModel?: DraftModel, idleWork?: IdleWork) {
    this.engine = engine;
    this.idleWork = idleWork;
    this.prefillChunkSize = Math.max(1, options.prefillChunkSize ?? 512);
    this.prefillStepTokens = Math.max(1, options.prefillStepTokens ?? 2048);
    this.maxBatchSize = Math.max(1, options.maxBatchSize ?? 32);
    this.maxSequences = Math.max(
      1,
      options.maxSequences ?? engine.info.maxSequences ?? DEFAULT_MAX_SEQUENCES,
    );
    // The cache keeps finished sequences in the slots nobody runs in (admission takes them back,
    // oldest first), so calls made together find their prompts again; one slot stays free for new work.
    this.cache = new PrefixCache(engine, {
      maxEntries: Math.min(options.prefixCacheSize ?? this.maxSequences - 1, this.maxSequences - 1),
      maxBytes: options.prefixCacheBytes,
    });
    this.sharedPrefixMinTokens = Math.max(1, options.sharedPrefixMinTokens ?? 32);
    this.draftModel = draftModel;
    this.drafts = new SpeculativeDrafts(options, engine.info.contextLength, draftModel);
    this.kvMemoryBytes = options.kvMemoryBytes;
    this.engineArgmax = options.engineArgmax ?? true;
    this.feedForcedTokens = options.feedForcedTokens ?? true;
    this.preemption = new Preemption<Slot>(
      {
        slots: () => this.slots,
        plannedTokens: () => this.plannedTokens(),
        evictCached: () => this.cache.evictOldest(this.upcomingPrompts(), this.sharedPrefixMinTokens),
        requeue: (slot) => this.requeue(slot),
        fail: (slot, error) => this.fail(slot, error),
      },
      options.kvMemoryBytes,
      engine.info.kvBytesPerToken ?? 0,
    );
    this.waiting = new WaitingQueue(options.maxQueue, (task) =>
      task.fail(new AbortError({ partialText: task.text, cause: task.signal?.reason })),
    );
  }

  /** Requests in flight (admitted or waiting). */
  get active(): number {
    return this.slots.length + this.waiting.length;
  }

  stats(): SchedulerStats {
    return {
      queueDepth: this.waiting.length,
      activeRequests: this.slots.length,
      kvSlotsInUse: this.slots.filter((slot) => slot.seq !== undefined).length + this.cache.size,
      kvSlots: this.maxSequences,
      prefixCacheEntries: this.cache.size,
      kvBytesReserved: this.reservedBytes(),
      kvMemoryBytes: this.kvMemoryBytes,
      draftedTokens: this.drafts.drafted,
      acceptedDraftTokens: this.drafts.accepted,
      draftAcceptanceRate: this.drafts.drafted === 0 ? 0 : this.drafts.accepted / this.drafts.drafted,
      preemptions: this.preemption.preemptions,
      recomputedTokens: this.preemption.recomputedTokens,
    };
  }

  /**
   * Queues a task; resolves with its result, rejects with AbortError, LMError, the engine's XError,
   * or QueueFullError when `maxQueue` requests already wait.
   */
  run(task: GenerationTask): Promise<LMResult> {
    if (this.disposed) task.fail(new LMError('the LM has been disposed'));
    else {
      try {
        this.preemption.arrived(task);
        this.waiting.push(task, this.maxSequences);
      } catch (error) {
        task.fail(error);
        return task.completion;
      }
      // While a step runs, the engine is busy: admit into free slots only, evict at the next step.
      this.admit(!this.running);
      if (!this.running) {
        this.running = true;
        // Starting on the next turn lets requests made together share their first steps, even
        // those whose callers reach the LM several awaits after the first one did.
        void nextTurn().then(() => this.loop());
      }
    }
    return task.completion;
  }

  /** Fails every request in flight and releases every sequence, cached ones included. */
  dispose(): void {
    this.disposed = true;
    const error = new LMError('the LM was disposed during generation');
    for (const task of this.waiting.drain()) task.fail(error);
    for (const slot of [...this.slots]) this.fail(slot, error);
    this.cache.clear();
    this.draftModel?.clear();
    this.logitsBuffer = new Float32Array(0);
  }

  private async loop(): Promise<void> {
    try {
      while (this.slots.length > 0 || this.waiting.length > 0) {
        this.dropAborted();
        this.admit();
        this.preemption.makeRoom();
        const finishedBefore = this.finished;
        await this.step();
        // Callers often answer a finished request with the next call (an evaluation's next
        // example). When at least as many finished as still decode, a turn of the event loop lets
        // those calls arrive and prefill together in the coming step, instead of spread over the
        // next few; with fewer, the step runs at once, beside the callers' own work.
        const finished = this.finished - finishedBefore;
        if (finished > 0 && this.active > 0 && finished >= this.decodingCount()) await nextTurn();
      }
    } catch (error) {
      for (const task of this.waiting.drain()) task.fail(error);
      for (const slot of [...this.slots]) this.fail(slot, error);
    } finally {
      this.running = false;
    }
  }

  /**
   * Moves waiting requests into slots, in order, while slots (and KV memory) allow. The line is
   * strict: nobody passes a request at its head, so that one cannot starve.
   */
  private admit(canEvict = true): void {
    for (let task = this.waiting.peek(); task !== undefined; task = this.waiting.peek()) {
      const slotFree = this.slots.length + this.cache.size < this.maxSequences;
      if (slotFree && this.preemption.admits(task)) {
        this.waiting.shift();
        this.slots.push(newSlot(task));
      } else if (canEvict && !slotFree && !this.preemption.admissionPaused && this.admitFromCache(task))
        continue;
      else if (
        canEvict &&
        !this.preemption.admissionPaused &&
        this.cache.evictOldest(this.upcomingPrompts(), this.sharedPrefixMinTokens)
      )
        continue;
      else if (canEvict && slotFree && this.slots.length === 0) this.admitAlone(task);
      else return;
    }
  }

  /**
   * With every slot taken, a request whose prompt the cache holds (at least sharedPrefixMinTokens
   * of it) takes that entry's sequence instead of having some entry evicted and then forking it: so
   * N calls made again find their N entries even when N running plus N cached exceed the slots.
   * False when the cache holds no such prefix; true once the entry is taken, admitted or not.
   */
  private admitFromCache(task: GenerationTask): boolean {
    const target = recomputeTarget(task);
    if (Math.min(this.cache.match(target), target.length - 1) < this.sharedPrefixMinTokens) return false;
    const { seq, reused } = this.cache.take(target)!;
    if (!this.preemption.admits(task)) {
      this.engine.release(seq);
      return true;
    }
    this.waiting.shift();
    const slot = newSlot(task);
    this.slots.push(slot);
    this.begin(slot, seq, reused);
    return true;
  }

  /** Prompts still to be matched against the prefix cache: admitted requests yet to start, then the line. */
  private *upcomingPrompts(): Generator<readonly number[]> {
    for (const slot of this.slots) if (slot.state === 'queued') yield slot.target;
    for (const task of this.waiting) yield recomputeTarget(task);
  }

  private reservedBytes(): number {
    return this.plannedTokens() * (this.engine.info.kvBytesPerToken ?? 0);
  }

  // --- KV memory: admission alone, room for the coming step, preemption (see preemption.ts) ---

  /** KV tokens held once the coming step has run, by admitted requests and the prefix cache. */
  private plannedTokens(): number {
    return this.slots.reduce((sum, slot) => sum + kvFootprint(slot), this.cache.heldTokens);
  }

  /** With nobody else to wait for, a request runs if it fits the budget alone; else it fails. */
  private admitAlone(task: GenerationTask): void {
    this.waiting.shift();
    this.preemption.left();
    if (this.preemption.fitsAlone(task)) this.slots.push(newSlot(task));
    else task.fail(this.preemption.tooLarge(task, recomputeTarget(task).length + 1));
  }

  /** Undoes a forward call that ran out of memory, then lets Preemption free some. */
  private giveWay(slots: Slot[]): boolean {
    for (const slot of slots)
      if (slot.seq !== undefined && this.engine.sequenceLength(slot.seq) > slot.cached.length)
        this.engine.truncate(slot.seq, slot.cached.length);
    return this.preemption.outOfMemory();
  }

  /**
   * Releases a preempted request's sequence and puts it back at the front of the line with its
   * sampled tokens; readmitted, it recomputes them (the prefix cache may hold part) and carries on.
   */
  private requeue(slot: Slot): void {
    if (slot.task.signal?.aborted) {
      this.fail(slot, undefined);
      return;
    }
    this.remove(slot);
    this.draftModel?.release(slot);
    if (slot.seq !== undefined) this.engine.release(slot.seq);
    this.waiting.unshift(slot.task);
  }

  /**
   * One forward call for the whole step: every decoding request's next token (with its prompt-lookup
   * draft) first, then the next prompt chunk of each request still prefilling, as far as the
   * step's prompt-token budget goes. The Engine contract takes batches mixing one-token and
   * many-token requests, so the prompts of requests that arrive together share each matmul's pass
   * over the weights with the decodes instead of taking a forward call each.
   */
  private async step(): Promise<void> {
    const decoding = this.decodeBatch();
    const prefilling = this.prefillBatch();
    if (decoding.length + prefilling.length === 0) return;
    let drafts: number[][];
    try {
      drafts = this.preemption.fitDrafts(
        await this.drafts.draftsFor(decoding, decoding.length === 1 ? decoding[0]!.task.signal : undefined),
      );
    } catch (error) {
      for (const slot of decoding) this.fail(slot, error);
      return;
    }
    // A request left while the draft model ran (abort, dispose): the others run at the next step.
    if (decoding.some((slot) => !this.slots.includes(slot))) return;
    const requests: ForwardRequest[] = [];
    const slots: Slot[] = [];
    decoding.forEach((slot, i) => {
      const draft = drafts[i]!;
      requests.push({
        seq: slot.seq!,
        tokens: fedTokens(slot, draft),
        logitsFor: draft.length > 0 ? 'all' : 'last',
      });
      slots.push(slot);
    });
    for (const { slot, chunk } of prefilling) {
      requests.push({ seq: slot.seq!, tokens: new Int32Array(chunk), logitsFor: 'last' });
      slots.push(slot);
    }
    // Greedy steps take 4 bytes per row from the engine instead of its logits (Engine.forwardArgmax),
    // grammar-constrained ones with their mask as the row's `allowed` tokens. `fed`: the drafts the
    // step feeds, a constrained one cut where its grammar refuses a token; `drafts` stay the
    // proposals the acceptance record and the draft length count.
    const fed = [...drafts];
    const argmaxOnly = this.argmaxStep(requests, decoding, fed, prefilling);
    let rows: Array<Float32Array | Int32Array>;
    const forwardStart = performance.now();
    try {
      const signal = this.signalFor(slots, prefilling.length > 0);
      const pending = argmaxOnly
        ? this.engine.forwardArgmax!(requests, signal)
        : this.engine.forward(requests, signal, { logitsInto: this.logitsBufferFor(requests) });
      // A turn later the engine has the call (its hand-off takes a few microtasks) and computes
      // while the JS thread does the idle work.
      if (this.idleWork?.pending()) void nextTurn().then(() => this.runIdleWork());
      rows = await pending;
    } catch (error) {
      // An aborted call leaves every sequence as it was: the aborted requests leave at the next
      // step and the others run again.
      if (AbortError.isInstance(error) && slots.some((slot) => slot.task.signal?.aborted)) return;
      if (OutOfMemoryError.isInstance(error) && this.giveWay(slots)) return;
      for (const slot of slots) this.fail(slot, error);
      return;
    }
    if (requests.length === 1 && decoding.length === 1)
      this.drafts.recordVerify(requests[0]!.tokens.length, performance.now() - forwardStart);
    decoding.forEach((slot, i) => {
      if (!this.slots.includes(slot)) return;
      pushUnfed(slot);
      const draft = drafts[i]!;
      if (draft.length === 0) {
        this.accept(slot, rowsOf(rows[i]!, 1, 0));
        return;
      }
      const before = slot.cached.length;
      this.drafts.drafted += draft.length;
      this.acceptDraft(slot, fed[i]!, rows[i]!);
      slot.draftLength?.update(draft.length, slot.cached.length - before);
    });
    prefilling.forEach(({ slot, chunk }, i) => {
      if (!this.slots.includes(slot)) return;
      const { task } = slot;
      slot.cached.push(...chunk);
      this.preemption.countPrefill(task, chunk.length);
      if (slot.cached.length === slot.target.length) {
        // Recomputed after a preemption: the last sampled token goes in at the next decode step.
        if (task.tokenIds.length > 0) {
          slot.state = 'decode';
          return;
        }
        task.prefillEndMs = performance.now();
        slot.state = 'decode';
        this.accept(slot, rowsOf(rows[decoding.length + i]!, 1, 0));
      }
    });
  }

  /**
   * True when the step may ask the engine for argmaxes: every request greedy with nothing reading its
   * logits. A constrained request then gets its grammar's mask as `allowed`, one per row when it
   * carries a draft (row j: the grammar after draft[0..j-1]), its draft in `fed` (and its request's
   * tokens) cut after the first row whose mask refuses its draft token, as that row cannot pick it;
   * a request whose logit bias bans tokens gets a mask without them, drafts included (a row whose
   * logits are not used, a prefill chunk before the last, gets none).
   */
  private argmaxStep(
    requests: ForwardRequest[],
    decoding: Slot[],
    fed: number[][],
    prefilling: Array<{ slot: Slot; chunk: number[] }>,
  ): boolean {
    if (!this.engineArgmax || this.engine.forwardArgmax === undefined) return false;
    for (const slot of decoding) if (!slot.task.argmaxWithMask) return false;
    for (const { slot } of prefilling) if (!slot.task.argmaxWithMask) return false;
    const { vocabSize } = this.engine.info;
    // Null from engineAllowed: bans that leave no token, whose bias the sampler adds to the logits.
    let argmax = true;
    try {
      for (let i = 0; i < decoding.length; i++) {
        const kept = allowDecodeArgmax(requests[i]!, decoding[i]!, fed[i]!, vocabSize);
        if (kept === null) argmax = false;
        else fed[i] = kept;
      }
      prefilling.forEach(({ slot, chunk }, i) => {
        const last =
          slot.cached.length + chunk.length === slot.target.length && slot.task.tokenIds.length === 0;
        if (last) argmax = allowArgmax(requests[decoding.length + i]!, slot, vocabSize) && argmax;
      });
    } catch {
      // A grammar with no way on: the logits step's accept fails the request with the same error.
      argmax = false;
    }
    if (!argmax) for (const request of requests) request.allowed = undefined;
    return argmax;
  }

  /**
   * The step's logits buffer, grown to fit `requests` and kept, so steady steps allocate nothing; a
   * step with more than REUSED_LOGITS_ROWS rows (many drafts) gets new arrays instead, so the buffer
   * kept stays small for large vocabularies.
   */
  private logitsBufferFor(requests: readonly ForwardRequest[]): Float32Array | undefined {
    const rows = logitsRowCount(requests);
    if (rows > REUSED_LOGITS_ROWS) return undefined;
    const size = rows * this.engine.info.vocabSize;
    if (this.logitsBuffer.length < size) this.logitsBuffer = new Float32Array(size);
    return this.logitsBuffer;
  }

  private runIdleWork(): void {
    try {
      if (this.idleWork?.pending()) this.idleWork.run();
    } catch {
      // Done again where its result is needed, and failing there for that request.
    }
  }

  private decodingCount(): number {
    let count = 0;
    for (const slot of this.slots) if (slot.state === 'decode') count++;
    return count;
  }

  /** The decoding requests served this step, at most maxBatchSize, in rotation. */
  private decodeBatch(): Slot[] {
    const ready = this.slots.filter((slot) => slot.state === 'decode');
    const batch = ready.slice(0, this.maxBatchSize);
    if (ready.length > batch.length) {
      // Round robin: the slots served now go to the back of the line.
      this.slots = [...this.slots.filter((slot) => !batch.includes(slot)), ...batch];
    }
    return batch;
  }

  /**
   * The prompt chunks of this step: requests still reading their prompt, in order, each at most
   * prefillChunkSize tokens, together at most prefillStepTokens. Queued requests get their
   * sequence first; one that cannot (its shared prefix is still being computed) waits a step.
   */
  private prefillBatch(): Array<{ slot: Slot; chunk: number[] }> {
    const chunks: Array<{ slot: Slot; chunk: number[] }> = [];
    let budget = this.prefillStepTokens;
    for (const slot of this.slots.filter((s) => s.state !== 'decode')) {
      if (budget <= 0) break;
      try {
        if (slot.state === 'queued' && !this.start(slot)) continue;
      } catch (error) {
        this.fail(slot, error);
        continue;
      }
      const from = slot.cached.length;
      const size = Math.min(this.prefillChunkSize, budget);
      const chunk = slot.target.slice(from, from + size);
      budget -= chunk.length;
      chunks.push({ slot, chunk });
    }
    return chunks;
  }

  /**
   * The signal a step's call listens to: the request's own when it is alone; with prompt chunks in
   * the call, any of their requests' (a long prefill stops at once, and the rest repeat the step);
   * none for a decode batch, whose aborted requests leave at the next step.
   */
  private signalFor(slots: Slot[], prefilling: boolean): AbortSignal | undefined {
    if (slots.length === 1) return slots[0]!.task.signal;
    if (!prefilling) return undefined;
    const signals = slots.flatMap((slot) => (slot.task.signal === undefined ? [] : [slot.task.signal]));
    return signals.length === 0 ? undefined : AbortSignal.any(signals);
  }

  /**
   * Gives a queued request its sequence: a fork of the request that shares the longest prompt
   * prefix with it, when that beats the prefix cache, else the cache's best. False while the
   * other request has yet to prefill the shared part (the request waits a step) — unless a request
   * that already holds its shared part, or the cache, is at most sharedPrefixMinTokens shorter:
   * then the request forks that one now, and prefills alongside its siblings instead of a step
   * behind them.
   */
  private start(slot: Slot): boolean {
    const prompt = slot.target;
    const fromCache = Math.min(this.cache.match(prompt), prompt.length - 1);
    let leader: Slot | undefined;
    let shared = 0;
    let ready: Slot | undefined;
    let readyShared = 0;
    for (const other of this.slots) {
      if (other === slot || other.seq === undefined) continue;
      const length = Math.min(commonPrefixLength(other.task.promptTokens, prompt), prompt.length - 1);
      if (length > shared) {
        leader = other;
        shared = length;
      }
      if (length > readyShared && other.cached.length >= length) {
        ready = other;
        readyShared = length;
      }
    }
    let seq: SequenceId;
    let reused: number;
    const min = this.sharedPrefixMinTokens;
    if (leader !== undefined && shared >= fromCache + min && leader.cached.length < shared) {
      if (shared >= Math.max(fromCache, readyShared) + min) return false;
      leader = ready;
      shared = readyShared;
    }
    if (leader !== undefined && shared >= fromCache + min) {
      seq = forkPrefix(this.engine, leader.seq!, shared);
      reused = shared;
    } else ({ seq, reused } = this.cache.acquire(prompt));
    this.begin(slot, seq, reused);
    return true;
  }

  /** Starts a slot's prefill on `seq`, which holds the first `reused` tokens of its target. */
  private begin(slot: Slot, seq: SequenceId, reused: number): void {
    slot.seq = seq;
    slot.cached = slot.target.slice(0, reused);
    slot.state = 'prefill';
    if (!this.preemption.wasPreempted(slot.task)) {
      slot.task.reusedTokens = reused;
      slot.task.prefillStartMs = performance.now();
    }
  }

  /**
   * Samples from the verified rows in order while the sampled token equals the drafted one, then
   * drops the rejected draft tokens from the sequence. Each kept row is the one a plain decode step
   * would have produced, so the output is the same as without drafting.
   */
  private acceptDraft(slot: Slot, draft: number[], rows: Float32Array | Int32Array): void {
    let outcome: 'more' | 'done' | 'failed' = 'more';
    for (let j = 0; j <= draft.length; j++) {
      outcome = this.sample(slot, rowsOf(rows, draft.length + 1, j));
      if (outcome !== 'more' || j === draft.length || slot.task.lastToken !== draft[j]) break;
      slot.cached.push(draft[j]!);
      this.drafts.accepted++;
    }
    if (outcome === 'failed') return;
    if (this.engine.sequenceLength(slot.seq!) > slot.cached.length)
      this.engine.truncate(slot.seq!, slot.cached.length);
    if (outcome === 'more') outcome = this.takeForced(slot);
    if (outcome === 'done') this.complete(slot);
  }

  private accept(slot: Slot, row: Float32Array | number): void {
    let outcome = this.sample(slot, row);
    if (outcome === 'more') outcome = this.takeForced(slot);
    if (outcome === 'done') this.complete(slot);
  }

  /**
   * The tokens the request's grammar forces next, taken now and fed with its next step
   * (feedForcedTokens), while it is the scheduler's only request. Beside others, its forced tokens
   * ride in their steps anyway: fed there too, the optimiser benchmark's batched half made 476 calls
   * instead of 679 but took more engine time (8 pairs, load 4–6: median 3,965 → 4,190 ms, 6 of 8
   * pairs slower), and its one-at-a-time ÷ batched ratio fell (CPU ratio median 4.9× → 4.6×).
   */
  private takeForced(slot: Slot): 'more' | 'done' | 'failed' {
    if (!this.feedForcedTokens || this.slots.length > 1 || this.waiting.length > 0) return 'more';
    try {
      const most = mostFedTokens - unfed(slot).length;
      return slot.task.acceptForced(this.engine.info.vocabSize, most) ? 'done' : 'more';
    } catch (error) {
      this.fail(slot, error);
      return 'failed';
    }
  }

  /** `row`: a logits row, or its argmax from a forwardArgmax step. */
  private sample(slot: Slot, row: Float32Array | number): 'more' | 'done' | 'failed' {
    try {
      if (typeof row === 'number') return slot.task.acceptArgmax(row) ? 'done' : 'more';
      const { vocabSize } = this.engine.info;
      return slot.task.accept(row.length === vocabSize ? row : row.subarray(0, vocabSize)) ? 'done' : 'more';
    } catch (error) {
      this.fail(slot, error);
      return 'failed';
    }
  }

  private complete(slot: Slot): void {
    this.remove(slot);
    this.finished++;
    this.preemption.left();
    this.draftModel?.release(slot);
    this.waiting.recordService(performance.now() - slot.admittedMs);
    if (slot.seq !== undefined) this.cache.store(slot.seq, slot.cached);
    slot.task.finish();
  }

  private dropAborted(): void {
    // Checked before copying the list: every step calls this, and an abort is rare.
    if (!this.slots.some((slot) => slot.task.signal?.aborted)) return;
    for (const slot of [...this.slots]) if (slot.task.signal?.aborted) this.fail(slot, undefined);
  }

  private fail(slot: Slot, error: unknown): void {
    if (!this.remove(slot)) return;
    this.preemption.left();
    this.draftModel?.release(slot);
    this.waiting.recordService(performance.now() - slot.admittedMs);
    if (slot.seq !== undefined) {
      try {
        this.engine.release(slot.seq);
      } catch {
        // The engine already lost the sequence (it failed or was disposed): nothing to free.
      }
    }
    const { task } = slot;
    if (task.signal?.aborted)
      task.fail(new AbortError({ partialText: task.text, cause: task.signal.reason }));
    else if (XError.isInstance(error)) task.fail(error);
    else
      task.fail(
        new LMError(`generation failed: ${(error as Error)?.message ?? String(error)}`, { cause: error }),
      );
  }

  private remove(slot: Slot): boolean {
    const index = this.slots.indexOf(slot);
    if (index === -1) return false;
    this.slots.splice(index, 1);
    return true;
  }
}

/**
 * Sets the request's `allowed` to its task's engine mask; false when the task's bans leave no token
 * (engineAllowed null), whose bias the sampler must then add to the logits.
 */
function allowArgmax(request: ForwardRequest, slot: Slot, vocabSize: number): boolean {
  const allowed = slot.task.engineAllowed(vocabSize);
  if (allowed === null) return false;
  request.allowed = allowed;
  return true;
}

/**
 * allowArgmax for a decoding request feeding `draft`: a constrained one's rows get a mask each
 * (GenerationTask.draftAllowed), and its draft is cut after the first row that cannot pick its draft
 * token (the request's tokens with it). The draft it feeds, or null as allowArgmax's false.
 */
function allowDecodeArgmax(
  request: ForwardRequest,
  slot: Slot,
  draft: number[],
  vocabSize: number,
): number[] | null {
  if (draft.length === 0 || !slot.task.constrained)
    return allowArgmax(request, slot, vocabSize) ? draft : null;
  const masks = slot.task.draftAllowed(vocabSize, draft);
  if (masks === null) return null;
  request.allowed = masks;
  if (masks.length > draft.length) return draft;
  const kept = draft.slice(0, masks.length - 1);
  request.tokens = fedTokens(slot, kept);
  if (kept.length === 0) request.logitsFor = 'last';
  return kept;
}

/**
 * The most tokens a request feeds in one step, its grammar's forced ones with its last sampled one:
 * candle-native's matmuls take up to 16 tokens as a decode batch, each row with the bits of a call of
 * its own, and attend such a stretch as decode rows, so a request decoding alone gets the logits that
 * one step per token gives (the same tokens); a longer run would take the prompt kernels.
 */
const mostFedTokens = 16;

/**
 * A decoding request's sampled tokens not yet in its sequence: the last one, and before it the tokens
 * its grammar forced since its last step (feedForcedTokens).
 */
function unfed(slot: Slot): readonly number[] {
  return slot.task.context.slice(slot.cached.length);
}

/** A decoding request's step tokens: its unfed ones, then its draft (no intermediate arrays: every step). */
function fedTokens(slot: Slot, draft: readonly number[]): Int32Array {
  const { context } = slot.task;
  const from = slot.cached.length;
  const tokens = new Int32Array(context.length - from + draft.length);
  for (let i = from; i < context.length; i++) tokens[i - from] = context[i]!;
  tokens.set(draft, context.length - from);
  return tokens;
}

/** Moves a decoding request's unfed tokens into `cached`, once its step has fed them. */
function pushUnfed(slot: Slot): void {
  const { context } = slot.task;
  for (let i = slot.cached.length; i < context.length; i++) slot.cached.push(context[i]!);
}

/**
 * Row `j` of a request's `count` rows: a logits row (a view of the request's floats) or, from a
 * forwardArgmax step, the row's token id.
 */
function rowsOf(rows: Float32Array | Int32Array, count: number, j: number): Float32Array | number {
  if (rows instanceof Int32Array) return rows[j]!;
  const width = rows.length / count;
  return rows.subarray(j * width, (j + 1) * width);
}
