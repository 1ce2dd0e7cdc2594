/**
 * Sets the logit of every token the mask leaves out to -Infinity (in place). Bit `id & 31` of
 * word `id >>> 5` allows token `id`; ids past the mask are left out.
 */
export function applyTokenMask(logits: Float32Array, mask: Uint32Array): void {
  const n = logits.length;
  for (let word = 0, start = 0; start < n; word++, start += 32) {
    const bits = word < mask.length ? mask[word]! : 0;
    if (bits === 0xffffffff) continue;
    const end = Math.min(n, start + 32);
    if (bits === 0) {
      logits.fill(Number.NEGATIVE_INFINITY, start, end);
      continue;
    }
    for (let id = start; id < end; id++) {
      if ((bits & (1 << (id - start))) === 0) logits[id] = Number.NEGATIVE_INFINITY;
    }
  }
}
