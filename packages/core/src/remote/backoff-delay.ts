/**
 * Milliseconds to wait before retry number `attempt` (0-based): exponential growth from `baseMs`,
 * capped at `maxMs`, with "equal jitter" (half fixed, half random) so clients that failed together
 * do not retry together.
 */
export function backoffDelay(
  attempt: number,
  options: { baseMs: number; maxMs: number; random?: () => number },
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** attempt);
  const random = options.random ?? Math.random;
  return ceiling / 2 + random() * (ceiling / 2);
}
