import type { LM } from '../lm/lm.js';

/** Evaluate's concurrency for a remote LM, or when the LM is not known: a polite bound for a server. */
export const REMOTE_CONCURRENCY = 8;

export interface WithPredictors {
  namedPredictors?(): Array<[string, unknown]>;
}

/**
 * Evaluate's concurrency when none is given: the least `preferredConcurrency` of the LMs the run
 * will call (the call's LM, else each predictor's), so a local LM gets a full scheduler batch;
 * `REMOTE_CONCURRENCY` when any of them has none (a remote LM) or none is known.
 */
export function defaultConcurrency(program: WithPredictors, callLM: LM | undefined): number {
  const lms = runLMs(program, callLM);
  if (lms.length === 0) return REMOTE_CONCURRENCY;
  let least = Number.POSITIVE_INFINITY;
  for (const lm of lms) {
    const preferred = lm.preferredConcurrency;
    if (preferred === undefined || !(preferred >= 1)) return REMOTE_CONCURRENCY;
    least = Math.min(least, Math.floor(preferred));
  }
  return least;
}

/** The LMs a run of `program` calls: `callLM` when given, else each predictor's own. */
export function runLMs(program: WithPredictors, callLM: LM | undefined): LM[] {
  return callLM ? [callLM] : predictorLMs(program);
}

function predictorLMs(program: WithPredictors): LM[] {
  const predictors = program.namedPredictors?.() ?? [];
  const lms = new Set<LM>();
  for (const [, predictor] of predictors) {
    const lm = (predictor as { lm?: unknown }).lm;
    if (typeof lm === 'object' && lm !== null && 'generate' in lm) lms.add(lm as LM);
  }
  return [...lms];
}
