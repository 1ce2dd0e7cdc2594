/** Adds each bias to its token's logit, in place. -Infinity bans a token. */
export function applyLogitBias(logits: Float32Array, bias: Readonly<Record<number, number>>): void {
  for (const key of Object.keys(bias)) {
    const id = Number(key);
    logits[id] = logits[id]! + bias[id]!;
  }
}
