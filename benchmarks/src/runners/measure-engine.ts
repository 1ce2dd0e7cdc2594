import { argmax, type Engine } from '@x/runtime';
import type { RunArgs, RunResult } from './run-args.ts';
import { promptTokens } from './run-args.ts';

/** Prefill of `args.prompt` tokens, then greedy decoding to `args.gen` tokens, one forward per step. */
export async function measureEngine(engine: Engine, args: RunArgs, loadMs: number): Promise<RunResult> {
  const sequence = engine.createSequence();
  const tokens = promptTokens(args.prompt, 1, engine.info.vocabSize);
  const start = performance.now();
  let [logits] = await engine.forward([
    { seq: sequence, tokens: Int32Array.from(tokens), logitsFor: 'last' },
  ]);
  const firstTokenAt = performance.now();
  for (let generated = 1; generated < args.gen; generated++) {
    const next = argmax(logits!);
    [logits] = await engine.forward([{ seq: sequence, tokens: Int32Array.of(next), logitsFor: 'last' }]);
  }
  const end = performance.now();
  engine.release(sequence);
  return {
    loadMs,
    ttftMs: firstTokenAt - start,
    prefillTokensPerSecond: args.prompt / ((firstTokenAt - start) / 1000),
    decodeTokensPerSecond: (args.gen - 1) / ((end - firstTokenAt) / 1000),
    maxRssMb: process.resourceUsage().maxRSS / 1024,
  };
}
