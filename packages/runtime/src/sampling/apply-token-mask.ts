/**
 * Sets the logit of every token the mask leaves out to -Infinity (in place). Bit `id & 31` of
 * word `id >>> 5` allows token `id`; ids past the mask are left out.
 */
export function applyTokenMask(logits: Float32Array, mask: Uint32Array): void {
  const n = logits.length;
  for (let word = 0; word * 32 < n; word++) {
    const bits = word < mask.length ? mask[word]! : 0;
    if (bits === 0xffffffff) continue;
    const end = Math.min(n, word * 32 + 32);
    for (let id = word * 32; id < end; id++) {
      if ((bits & (1 << (id & 31))) === 0) logits[id] = Number.NEGATIVE_INFINITY;
    }
  }
}
