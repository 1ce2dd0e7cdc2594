import { DraftLength } from './draft-length.js';
import type { DraftModel } from './draft-model.js';
import { LookupDraftLength } from './lookup-draft-length.js';
import { draftFromContext } from './prompt-lookup.js';
import type { SchedulerOptions } from './scheduler-options.js';
import type { Slot } from './scheduler-slot.js';
import { VerifyCost } from './verify-cost.js';

/**
 * The scheduler's speculative drafts: the draft model's when there is one, else prompt lookup's,
 * for greedy requests while the decode batch is small; and the record of how many were kept.
 */
export class SpeculativeDrafts {
  private readonly lookupMaxBatch: number;
  private readonly lookupDraftTokens: number;
  private readonly lookupMinDraft: number;
  /** Single-request forward timings, for the prompt-lookup draft length. */
  private readonly verifyCost = new VerifyCost();
  private readonly verifyCostRatio: (k: number) => number;
  private readonly draftMaxBatch: number;
  private readonly draftModelTokens: number;
  drafted = 0;
  accepted = 0;

  constructor(
    options: SchedulerOptions,
    private readonly contextLength: number,
    private readonly draftModel: DraftModel | undefined,
  ) {
    this.lookupMaxBatch = Math.max(0, options.promptLookupMaxBatch ?? 2);
    this.lookupDraftTokens = Math.max(0, options.promptLookupDraftTokens ?? 8);
    const perToken = options.promptLookupVerifyCostPerToken;
    this.verifyCostRatio =
      perToken === undefined ? this.verifyCost.ratio : (k) => 1 + Math.max(0, perToken) * k;
    this.lookupMinDraft = Math.max(1, Math.min(options.promptLookupMinDraft ?? 2, this.lookupDraftTokens));
    this.draftMaxBatch = Math.max(0, options.draftModelMaxBatch ?? 2);
    this.draftModelTokens = Math.max(0, options.draftModelTokens ?? 4);
  }

  /** Drafts for the batch: the draft model's, else prompt lookup's, while the batch is small. */
  async draftsFor(batch: Slot[], signal: AbortSignal | undefined): Promise<number[][]> {
    if (batch.length === 0) return [];
    if (this.draftModel !== undefined && this.draftMaxBatch > 0) {
      if (batch.length > this.draftMaxBatch) return batch.map(() => []);
      const requests = batch.map((slot) => {
        slot.draftLength ??= new DraftLength(this.draftModelTokens);
        return {
          key: slot,
          context: slot.task.context,
          maxDraft: this.draftRoom(slot, slot.draftLength.next()),
        };
      });
      return this.draftModel.draft(requests, signal);
    }
    if (batch.length > this.lookupMaxBatch) return batch.map(() => []);
    return batch.map((slot) => {
      if (!(slot.draftLength instanceof LookupDraftLength))
        slot.draftLength = new LookupDraftLength(
          this.lookupDraftTokens,
          this.lookupMinDraft,
          // other requests' record lengthens the first drafts, never shortens them (no lock-out)
          Math.max(0.8, this.drafted < 32 ? 0 : this.accepted / this.drafted),
        );
      const room = this.draftRoom(slot, slot.draftLength.next(this.verifyCostRatio));
      return room >= this.lookupMinDraft ? draftFromContext(slot.task.context, { maxDraft: room }) : [];
    });
  }

  /** A forward call that carried one decoding request and nothing else: `tokens` fed, in `ms`. */
  recordVerify(tokens: number, ms: number): void {
    this.verifyCost.record(tokens, ms);
  }

  /** Draft tokens a greedy request may take, bounded by what it may still sample and the context. */
  private draftRoom(slot: Slot, most: number): number {
    // Tokens a grammar forced go in first, with no draft after them.
    if (!slot.task.greedy || slot.task.context.length > slot.cached.length + 1) return 0;
    return Math.max(0, Math.min(slot.task.remaining - 1, this.contextLength - slot.cached.length - 1, most));
  }
}
