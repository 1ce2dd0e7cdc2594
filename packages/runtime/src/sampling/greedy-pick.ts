/**
 * The greedy sampler's pick in one pass over the row, with no copy of it: the same id as
 * `argmax(applyLogitBias(applyTokenMask(copy(row), mask), bias))` (the slow twin the sampler runs
 * when penalties or temperature need the copy). `bias` holds [id, bias] pairs with ids below the row's
 * length; a biased logit is rounded to float32 as the copy would store it. Ties go to the lowest id.
 */
export function greedyPick(
  row: Float32Array,
  mask: Uint32Array | undefined,
  bias: ReadonlyMap<number, number> | undefined,
): number {
  const n = row.length;
  let best = 0;
  let bestLogit = Number.NEGATIVE_INFINITY;
  // A token that beats the best so far is checked for a bias; a raised one that did not beat it
  // unbiased is settled after the pass.
  for (let word = 0, start = 0; start < n; word++, start += 32) {
    const bits = mask === undefined ? 0xffffffff : word < mask.length ? mask[word]! : 0;
    if (bits === 0) continue;
    const end = Math.min(start + 32, n);
    for (let id = start; id < end; id++) {
      const logit = row[id]!;
      if (logit > bestLogit && (bits === 0xffffffff || (bits & (1 << (id - start))) !== 0)) {
        const shift = bias === undefined ? undefined : bias.get(id);
        const value = shift === undefined ? logit : Math.fround(logit + shift);
        if (value > bestLogit) {
          bestLogit = value;
          best = id;
        }
      }
    }
  }
  if (bias === undefined) return best;
  for (const [id, shift] of [...bias].sort((a, b) => a[0] - b[0])) {
    const allowed = mask === undefined || (((mask[id >>> 5] ?? 0) >>> (id & 31)) & 1) === 1;
    if (shift <= 0 || !allowed) continue;
    const value = Math.fround(row[id]! + shift);
    if (value > bestLogit || (value === bestLogit && id < best)) {
      bestLogit = value;
      best = id;
    }
  }
  return best;
}
