import { argmax, type Engine } from '@x/runtime';
import { fromTokenTimes, type Measurement } from './measure.ts';

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

/** Greedy decoding of several equal-length prompts in lockstep, one forward call per step for all of them. */
export async function generateBatchOnEngine(
  engine: Engine,
  prompts: number[][],
  newTokens: number,
): Promise<Measurement> {
  const seqs = prompts.map(() => engine.createSequence());
  const times: number[] = [];
  const start = performance.now();
  let inputs = prompts.map((prompt) => Int32Array.from(prompt));
  for (let step = 0; step < newTokens; step++) {
    const logits = await engine.forward(
      seqs.map((seq, i) => ({ seq, tokens: inputs[i]!, logitsFor: 'last' })),
    );
    inputs = logits.map((row) => Int32Array.of(argmax(row)));
    times.push(performance.now());
  }
  for (const seq of seqs) engine.release(seq);
  const measurement = fromTokenTimes(start, times, []);
  return { ...measurement, decodeTokensPerSecond: measurement.decodeTokensPerSecond * prompts.length };
}
