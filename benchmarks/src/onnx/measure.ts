/** One generation measured: time to first token and decode speed after it. */
export interface Measurement {
  ttftMs: number;
  decodeTokensPerSecond: number;
  tokens: number[];
}

/** Turns the times at which each generated token appeared (ms, from the call's start) into a Measurement. */
export function fromTokenTimes(startMs: number, times: number[], tokens: number[]): Measurement {
  const first = times[0]! - startMs;
  const last = times[times.length - 1]!;
  return {
    ttftMs: first,
    decodeTokensPerSecond: times.length > 1 ? (times.length - 1) / ((last - times[0]!) / 1000) : 0,
    tokens,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
