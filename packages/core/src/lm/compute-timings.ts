import type { Timings } from './lm.js';

/** Timings from wall-clock marks (milliseconds, e.g. `performance.now()`) of one generation. */
export function computeTimings(marks: {
  startMs: number;
  firstTokenMs: number | undefined;
  endMs: number;
  completionTokens: number;
}): Timings {
  const firstTokenMs = marks.firstTokenMs ?? marks.endMs;
  const decodeMs = marks.endMs - firstTokenMs;
  // The first token marks the end of prefill, so only the tokens after it count towards decode speed.
  const decodeTokens = Math.max(0, marks.completionTokens - 1);
  return {
    ttftMs: firstTokenMs - marks.startMs,
    tokensPerSecond: decodeMs > 0 && decodeTokens > 0 ? (decodeTokens * 1000) / decodeMs : 0,
    totalMs: marks.endMs - marks.startMs,
  };
}
