import { computeTimings } from '../lm/compute-timings.js';
import type { Timings } from '../lm/lm.js';

/**
 * Timings of one remote call. Server-reported speeds win (llama.cpp server's `timings` object);
 * without a first-token mark (non-streaming calls) the speed is completion tokens over total time.
 */
export function responseTimings(marks: {
  startMs: number;
  firstTokenMs: number | undefined;
  endMs: number;
  completionTokens: number;
  server: unknown;
}): Timings {
  const timings = computeTimings(marks);
  if (marks.firstTokenMs === undefined && timings.totalMs) {
    timings.tokensPerSecond = (marks.completionTokens * 1000) / timings.totalMs;
  }
  if (typeof marks.server === 'object' && marks.server !== null) {
    const server = marks.server as Record<string, unknown>;
    if (typeof server.predicted_per_second === 'number')
      timings.tokensPerSecond = server.predicted_per_second;
    if (typeof server.prompt_per_second === 'number')
      timings.prefillTokensPerSecond = server.prompt_per_second;
  }
  return timings;
}
