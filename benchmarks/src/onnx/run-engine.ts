import type { Engine } from '@x/runtime';
import { fromTokenTimes, type Measurement } from './measure.ts';

function argmax(logits: Float32Array): number {
  let best = 0;
  for (let i = 1; i < logits.length; i++) if (logits[i]! > logits[best]!) best = i;
  return best;
}

/** Greedy decoding straight on an Engine: one forward for the prompt, then one per token. */
export async function generateOnEngine(
  engine: Engine,
  prompt: number[],
  newTokens: number,
): Promise<Measurement> {
  const seq = engine.createSequence();
  const times: number[] = [];
  const tokens: number[] = [];
  const start = performance.now();
  let input = Int32Array.from(prompt);
  while (tokens.length < newTokens) {
    const [logits] = await engine.forward([{ seq, tokens: input, logitsFor: 'last' }]);
    const token = argmax(logits!);
    times.push(performance.now());
    tokens.push(token);
    input = Int32Array.of(token);
  }
  engine.release(seq);
  return fromTokenTimes(start, times, tokens);
}
