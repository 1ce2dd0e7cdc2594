import type { LM } from '../lm/lm.js';
import { runLMs, type WithPredictors } from './default-concurrency.js';

/**
 * Evaluate's warmup when none is given: with calls in flight together, 1 (the first example runs
 * alone, so a server's prompt cache holds the prefix every example shares before the rest arrive);
 * 0 when every LM the run calls is a local one (`preferredConcurrency` set). Its scheduler computes
 * the prefix common to calls made together once, the others forking it, so a warmup call would only
 * decode its answer alone while the rest wait.
 */
export function defaultWarmup(program: WithPredictors, callLM: LM | undefined, concurrency: number): number {
  if (!(concurrency > 1)) return 0;
  const lms = runLMs(program, callLM);
  const allLocal = lms.length > 0 && lms.every((lm) => lm.preferredConcurrency !== undefined);
  return allLocal ? 0 : 1;
}
