// One measurement of node-llama-cpp (llama.cpp) in this process; prints a JSON RunResult.
import { getLlama } from 'node-llama-cpp';
import { parseRunArgs, promptTokens, type RunResult } from './run-args.ts';

const args = parseRunArgs(process.argv.slice(2));
const llama = await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never });
const loadStart = performance.now();
const model = await llama.loadModel({ modelPath: args.model });
const context = await model.createContext({
  contextSize: args.prompt + args.gen + 16,
  threads: args.threads,
  batchSize: Math.max(args.prompt, 1),
});
const loadMs = performance.now() - loadStart;
const sequence = context.getSequence();
const tokens = promptTokens(
  args.prompt,
  model.tokens.bos ?? 1,
  model.fileInfo.metadata.tokenizer.ggml.tokens.length,
);

const start = performance.now();
let firstTokenAt = 0;
let generated = 0;
for await (const _token of sequence.evaluate(tokens as never, { temperature: 0 })) {
  generated++;
  if (generated === 1) firstTokenAt = performance.now();
  if (generated >= args.gen) break;
}
const end = performance.now();
const result: RunResult = {
  loadMs,
  ttftMs: firstTokenAt - start,
  prefillTokensPerSecond: args.prompt / ((firstTokenAt - start) / 1000),
  decodeTokensPerSecond: (generated - 1) / ((end - firstTokenAt) / 1000),
  maxRssMb: process.resourceUsage().maxRSS / 1024,
};
console.log(JSON.stringify(result));
await context.dispose();
await model.dispose();
process.exit(0);
