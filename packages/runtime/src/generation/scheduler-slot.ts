import type { SequenceId } from '../engine/engine.js';
import type { DraftLength } from './draft-length.js';
import type { GenerationTask } from './generation-task.js';
import type { LookupDraftLength } from './lookup-draft-length.js';
import { recomputeTarget } from './preemption.js';

/** One request inside the scheduler: its sequence, where it is, and what it still has to prefill. */
export interface Slot {
  task: GenerationTask;
  seq: SequenceId | undefined;
  state: 'queued' | 'prefill' | 'decode';
  /** Exactly the tokens in `seq`'s cache. */
  cached: number[];
  admittedMs: number;
  /** Tokens this request drafts on its steps, by draft model or prompt lookup (made on its first draft). */
  draftLength?: DraftLength | LookupDraftLength;
  /** Tokens to prefill before decoding: the prompt, or after a preemption its context but the last. */
  target: readonly number[];
}

export function newSlot(task: GenerationTask): Slot {
  const target = recomputeTarget(task);
  return { task, seq: undefined, state: 'queued', cached: [], admittedMs: performance.now(), target };
}

export function commonPrefixLength(a: readonly number[], b: readonly number[]): number {
  const limit = Math.min(a.length, b.length);
  let i = 0;
  while (i < limit && a[i] === b[i]) i++;
  return i;
}
