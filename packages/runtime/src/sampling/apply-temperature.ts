import type { Candidates } from './candidates.js';

/** Divides every logit by `temperature` (> 0) into new arrays; the input is left untouched. */
export function applyTemperature(candidates: Candidates, temperature: number): Candidates {
  if (temperature === 1) return candidates;
  const logits = new Float32Array(candidates.length);
  for (let i = 0; i < candidates.length; i++) logits[i] = candidates.logits[i]! / temperature;
  return { ...candidates, logits };
}
