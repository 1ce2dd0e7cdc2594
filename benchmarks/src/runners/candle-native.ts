// One measurement of our native engine in this process; prints a JSON RunResult. Greedy steps take each
// row's argmax from the engine (forwardArgmax), as lm.complete does and as the peer's C++ sampler does:
// no vocabulary of logits crosses into JS.
import { loadEngine } from '@x/candle-native';
import { parseRunArgs, promptTokens, type RunResult } from './run-args.ts';

const args = parseRunArgs(process.argv.slice(2));
const loadStart = performance.now();
const engine = await loadEngine(args.model, {
  threads: args.threads,
  contextLength: args.prompt + args.gen + 16,
});
const loadMs = performance.now() - loadStart;
const sequence = engine.createSequence();
const tokens = promptTokens(args.prompt, 1, engine.info.vocabSize);

const start = performance.now();
let [ids] = await engine.forwardArgmax([
  { seq: sequence, tokens: Int32Array.from(tokens), logitsFor: 'last' },
]);
const firstTokenAt = performance.now();
for (let generated = 1; generated < args.gen; generated++) {
  [ids] = await engine.forwardArgmax([{ seq: sequence, tokens: Int32Array.of(ids![0]!), logitsFor: 'last' }]);
}
const end = performance.now();
const result: RunResult = {
  loadMs,
  ttftMs: firstTokenAt - start,
  prefillTokensPerSecond: args.prompt / ((firstTokenAt - start) / 1000),
  decodeTokensPerSecond: (args.gen - 1) / ((end - firstTokenAt) / 1000),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
console.log(JSON.stringify(result));
await engine.dispose();
