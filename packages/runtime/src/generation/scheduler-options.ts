/** KV slots the scheduler fills when neither the options nor the engine name a number. */
export const DEFAULT_MAX_SEQUENCES = 16;

export interface SchedulerOptions {
  /** Prompt tokens of one request per step (default 512). */
  prefillChunkSize?: number;
  /**
   * Prompt tokens of all prefilling requests together per step (default 2048): the requests
   * reading their prompts share one forward call with the decode batch, up to this many tokens.
   */
  prefillStepTokens?: number;
  /** Most decoding sequences in one step (default 32); the rest wait a step, round robin. */
  maxBatchSize?: number;
  /**
   * Finished sequences kept for prefix reuse (default: every KV slot but one, within
   * prefixCacheBytes; waiting requests take the slots back, least recently used first; 0 turns the
   * cache off).
   */
  prefixCacheSize?: number;
  /**
   * KV bytes the prefix cache may hold (default 512 MiB, counted with the engine's
   * kvBytesPerToken; engines that report none are bounded by prefixCacheSize alone).
   */
  prefixCacheBytes?: number;
  /**
   * A request whose prompt shares at least this many tokens (default 32) with one being prefilled
   * waits for it and forks, so requests made together compute their common prefix once.
   */
  sharedPrefixMinTokens?: number;
  /**
   * Prompt-lookup speculative decoding for greedy requests runs while at most this many requests
   * decode together (default 2; 0 turns it off): busy batches already use the weights well.
   */
  promptLookupMaxBatch?: number;
  /**
   * Most tokens drafted per prompt-lookup step (default 8); each request drafts the length that
   * pays best for its acceptance so far and the engine's measured verify cost, or none when a plain
   * step pays more (see LookupDraftLength).
   */
  promptLookupDraftTokens?: number;
  /**
   * What each drafted token adds to a verify forward, in plain decode steps. Default: learned from
   * the engine's timings (VerifyCost). 0 drafts the most tokens whenever the context matches.
   */
  promptLookupVerifyCostPerToken?: number;
  /** Fewest tokens a prompt-lookup draft may have (default 2): a shorter one costs more to verify than it saves. */
  promptLookupMinDraft?: number;
  /**
   * With a draft model, greedy requests draft on it while at most this many requests decode
   * together (default 2; 0 turns it off). It then replaces prompt lookup.
   */
  draftModelMaxBatch?: number;
  /**
   * Most tokens drafted per draft-model step (default 4). Each request starts there, drafts one
   * fewer after a step with a rejection and two more after a step that kept every draft token, and
   * pauses drafting for a while when even one drafted token is rejected (see DraftLength).
   */
  draftModelTokens?: number;
  /**
   * KV slots (engine sequences) held at once, prefix-cache entries included. Requests beyond them
   * wait in line, first come first served. Default: the engine's `info.maxSequences`, else 16.
   */
  maxSequences?: number;
  /**
   * Bytes of KV cache the admitted requests and prefix-cache entries may hold, counted as tokens ×
   * info.kvBytesPerToken. A request is admitted by what it holds now (its prompt), not by its
   * worst case; when a step would go past the budget, the latest arrival is preempted and later
   * recomputed (see Preemption). Needs an engine that reports kvBytesPerToken; default: no limit.
   */
  kvMemoryBytes?: number;
  /** Requests allowed to wait for a slot; one more throws QueueFullError. Default: no limit. */
  maxQueue?: number;
  /**
   * Steps whose every request is plain greedy (see GenerationTask.argmaxOnly) ask the engine for
   * each row's argmax only (`Engine.forwardArgmax`, when the engine has it) instead of its logits.
   * Default true; false always reads logits (the output is the same either way).
   */
  engineArgmax?: boolean;
  /**
   * A greedy constrained request alone in the scheduler takes each token its grammar forces (a mask
   * that allows one token) without a forward step of its own, and feeds the run of them (up to 16
   * tokens) with its next step: JSON keys, braces and DSPy's field markers cost one forward call per
   * run instead of one per token. Beside other requests it takes a step per token (they ride in the
   * others' steps). Default true; false always takes a step per token (the output is the same either way).
   */
  feedForcedTokens?: boolean;
}

/** What the scheduler holds right now (for metrics). */
export interface SchedulerStats {
  /** Requests waiting for a KV slot. */
  queueDepth: number;
  /** Requests admitted (prefilling or decoding). */
  activeRequests: number;
  /** Engine sequences held: admitted requests plus prefix-cache entries. */
  kvSlotsInUse: number;
  /** The most sequences held at once. */
  kvSlots: number;
  prefixCacheEntries: number;
  /**
   * KV bytes held by admitted requests after the coming step (a prefilling request counts its whole
   * prompt) and by cache entries (0 when the engine reports no size).
   */
  kvBytesReserved: number;
  /** The KV byte budget, when one is set. */
  kvMemoryBytes: number | undefined;
  /** Speculative tokens proposed so far (prompt lookup or draft model) and verified by the target. */
  draftedTokens: number;
  /** Of those, the ones the target's own choice confirmed. */
  acceptedDraftTokens: number;
  /** acceptedDraftTokens / draftedTokens (0 before any draft). */
  draftAcceptanceRate: number;
  /** Requests that gave way when KV memory ran short (each is recomputed when readmitted). */
  preemptions: number;
  /** Tokens run again to rebuild the KV of preempted requests. */
  recomputedTokens: number;
}
