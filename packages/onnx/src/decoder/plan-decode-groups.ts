/** What a padded decode call costs, in bytes moved: the weights once, plus every row's padded cache. */
export interface DecodeCosts {
  weightBytes: number;
  kvBytesPerToken: number;
}

// a padded cache is moved about three times a step: stacked (read, written), then read by attention
const KV_PASSES = 3;

/**
 * Splits decode rows (their cached lengths) into groups that each run as one padded session call, at the
 * least total cost: a call reads the weights once and the cache of count × longest steps. Short contexts
 * all go in one call; a row far longer than the rest runs apart rather than pad every other row to its
 * length. Groups are contiguous runs of the rows sorted by length (no other split can cost less); returns
 * row indices, groups of one included.
 */
export function planDecodeGroups(lengths: readonly number[], costs: DecodeCosts): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a]! - lengths[b]!);
  const n = order.length;
  // best[j]: the cheapest plan for the j shortest rows, whose last group starts at from[j]
  const best = new Float64Array(n + 1);
  const from = new Int32Array(n + 1);
  for (let j = 1; j <= n; j++) {
    best[j] = Number.POSITIVE_INFINITY;
    const longest = lengths[order[j - 1]!]!;
    for (let i = 0; i < j; i++) {
      const cost = best[i]! + costs.weightBytes + (j - i) * longest * costs.kvBytesPerToken * KV_PASSES;
      if (cost < best[j]!) {
        best[j] = cost;
        from[j] = i;
      }
    }
  }
  const groups: number[][] = [];
  for (let j = n; j > 0; j = from[j]!) groups.unshift(order.slice(from[j]!, j));
  return groups;
}
