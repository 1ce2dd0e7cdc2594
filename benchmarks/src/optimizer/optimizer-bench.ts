// `pnpm bench:optimizer`: BootstrapFewShotWithRandomSearch on word-problem sums, on the native engine,
// run twice with the same seed: batched through the local scheduler (concurrent calls, prefix cache,
// LM call cache) and one call at a time with both caches off. Reports the wall-clock ratio and
// checks that both runs return the same program.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadLM } from '@x/candle-native';
import {
  BootstrapFewShotWithRandomSearch,
  type LM,
  type Message,
  Predict,
  stateFileText,
  withCache,
} from '@x/core';
import { GGMLType, MODEL_SHAPES, type ModelShape, synthesizeModel } from '@x/runtime';
import { sharedModelsDir } from '@x/runtime/testing';
import {
  type ForwardTrace,
  formatForwardTrace,
  newForwardTrace,
  traceForwardCalls,
} from './forward-trace.ts';
import { idealPrefillTokens } from './ideal-prefill.ts';
import { type OptimizerArgs, optimizerHelp, parseOptimizerArgs } from './optimizer-args.ts';
import { ScriptedTextLM } from './scripted-text-lm.ts';
import { exactAnswer, sumProblems, textHash } from './sum-task.ts';
import { threadCpuSeconds } from './thread-cpu.ts';

let args: OptimizerArgs;
try {
  args = parseOptimizerArgs(process.argv.slice(2));
} catch (error) {
  console.error(`bench --optimizer: ${(error as Error).message}`);
  process.exit(2);
}
if (args.help) {
  console.log(optimizerHelp);
  process.exit(0);
}
const { threads, candidates, concurrency, only, type: typeName } = args;
const trainSize = args.train;
const devSize = args.dev;

/** A small llama with Llama-2's SentencePiece vocabulary (copied from a shared test model). */
const shape: ModelShape = {
  ...MODEL_SHAPES['tinyllama-1.1b']!,
  layers: 4,
  embedding: 256,
  heads: 4,
  kvHeads: 2,
  feedForward: 768,
};

const here = path.dirname(fileURLToPath(import.meta.url));

async function ensureModel(): Promise<string> {
  const dir = path.resolve(here, '../../models');
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `optimizer-bench-llama-4x256-${typeName}.gguf`);
  const type = GGMLType[typeName as keyof typeof GGMLType];
  if (typeof type !== 'number') throw new RangeError(`unknown weight type ${typeName}`);
  const tokenizer = path.join(sharedModelsDir, 'llama-2-tiny-random.gguf');
  if (!existsSync(file)) await synthesizeModel({ shape, type, seed: 1, std: 0.02, path: file, tokenizer });
  return file;
}

/** Right when the question's hash falls under a skill that grows with the demos (0.3 + 0.15 each, up to 4). */
function answerOf(messages: Message[]): string {
  const question = /\[\[ ## question ## \]\]\n([^\n]*)/.exec(messages.at(-1)?.content ?? '')?.[1] ?? '';
  const [a = 0, b = 0] = (question.match(/\d+/g) ?? []).map(Number);
  const demos = messages.filter((message) => message.role === 'assistant').length;
  const right = textHash(question) < 0.3 + 0.15 * Math.min(demos, 4);
  return `[[ ## answer ## ]]\n${right ? a + b : a + b + 1}\n\n[[ ## completed ## ]]`;
}

interface RunReport {
  mode: string;
  seconds: number;
  /** Process CPU time (user + system, all threads): steadier than wall-clock on a shared machine. */
  cpuSeconds: number;
  lmCalls: number;
  engineCalls: number;
  promptTokens: number;
  /** Prompt tokens the engine computed (the rest came from the prefix cache). */
  prefilledTokens: number;
  /** The least any prefix cache could have prefilled for these calls in this order. */
  idealPrefilledTokens: number;
  /** Median time to the first token of an engine call, ms. */
  ttftMs: number;
  bestScore: number;
  state: string;
  /** Filled with --trace. */
  trace: ForwardTrace;
}

interface Counter {
  calls: number;
  promptTokens: number;
  cachedTokens: number;
  ttftMs: number[];
  /** Every call's messages, in the order the calls were made. */
  prompts: Message[][];
}

const newCounter = (): Counter => ({ calls: 0, promptTokens: 0, cachedTokens: 0, ttftMs: [], prompts: [] });

/** Counts the calls that reach an LM, their prompt tokens and times to the first token. */
function counting(lm: LM, counter: Counter): LM {
  return new Proxy(lm, {
    get(target, key, receiver) {
      if (key !== 'generate') return Reflect.get(target, key, receiver);
      return async (messages: Message[], options: object) => {
        counter.calls += 1;
        counter.prompts.push(messages);
        const result = await target.generate(messages, options);
        counter.promptTokens += result.usage.promptTokens;
        counter.cachedTokens += result.usage.cachedPromptTokens ?? 0;
        counter.ttftMs.push(result.timings.ttftMs);
        return result;
      };
    },
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

async function run(model: string, batched: boolean): Promise<RunReport> {
  const trainset = sumProblems(trainSize, 1);
  const valset = sumProblems(devSize, 2);
  const local = await loadLM(model, {
    threads,
    contextLength: shape.contextLength,
    maxSequences: batched ? concurrency + 12 : 2,
    prefixCacheSize: batched ? 8 : 0,
  });
  const trace = newForwardTrace();
  if (args.trace) traceForwardCalls(local.engine, trace);
  const engine = newCounter();
  const asked = newCounter();
  const scripted = counting(new ScriptedTextLM(local, answerOf), engine);
  const lm = counting(batched ? withCache(scripted) : scripted, asked);
  const optimizer = new BootstrapFewShotWithRandomSearch({
    metric: exactAnswer,
    maxBootstrappedDemos: args.bootstrapped,
    maxLabeledDemos: args.labeled,
    numCandidatePrograms: candidates,
    concurrency: batched ? concurrency : 1,
    seed: 0,
  });
  const threadsBefore = threadCpuSeconds();
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const program = await optimizer.compile(new Predict('question -> answer', { lm }), { trainset, valset });
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuStart);
  const threadsAfter = threadCpuSeconds();
  if (threadsBefore !== undefined && threadsAfter !== undefined) {
    trace.jsThreadCpuSeconds = threadsAfter.js - threadsBefore.js;
    trace.otherThreadsCpuSeconds = threadsAfter.other - threadsBefore.other;
  }
  const ideal = idealPrefillTokens(
    engine.prompts.map((messages) => local.encodeRequest({ kind: 'chat', messages })),
  );
  await local.dispose();
  return {
    mode: batched
      ? `batched (concurrency ${concurrency}, prefix cache 8, LM cache on)`
      : 'one call at a time, caches off',
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    lmCalls: asked.calls,
    engineCalls: engine.calls,
    promptTokens: engine.promptTokens,
    prefilledTokens: engine.promptTokens - engine.cachedTokens,
    idealPrefilledTokens: ideal,
    ttftMs: median(engine.ttftMs),
    bestScore: optimizer.candidates[0]?.score ?? Number.NaN,
    state: stateFileText(program),
    trace,
  };
}

const model = await ensureModel();
const reports: RunReport[] = [];
if (only !== 'serial') reports.push(await run(model, true));
if (only !== 'batched') reports.push(await run(model, false));
console.log(
  `BootstrapFewShotWithRandomSearch, ${trainSize} train / ${devSize} dev, ${candidates + 3} candidates, ` +
    `${args.bootstrapped} bootstrapped / ${args.labeled} labeled demos, ` +
    `synthetic llama ${shape.layers}x${shape.embedding} ${typeName} (Llama-2 vocab) on candle-native, ${threads} threads, ${os.cpus()[0]?.model}`,
);
console.log(
  '| run | seconds | CPU s | optimiser LM calls | engine calls | prompt tokens | prefilled | least possible | median TTFT ms | best score |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of reports) {
  console.log(
    `| ${r.mode} | ${r.seconds.toFixed(1)} | ${r.cpuSeconds.toFixed(1)} | ${r.lmCalls} | ${r.engineCalls} | ${r.promptTokens} | ` +
      `${r.prefilledTokens} | ${r.idealPrefilledTokens} | ${r.ttftMs.toFixed(1)} | ${r.bestScore} |`,
  );
}
if (args.trace) for (const r of reports) console.log(formatForwardTrace(r.mode, r.trace));
// A digest of each final program, so runs of different builds can be checked for the same result.
for (const r of reports)
  console.log(
    `${r.mode}: final program sha256 ${createHash('sha256').update(r.state).digest('hex').slice(0, 16)}`,
  );
if (reports.length === 2) {
  const [batched, serial] = reports as [RunReport, RunReport];
  console.log(
    `wall-clock ratio (one at a time / batched): ${(serial.seconds / batched.seconds).toFixed(2)}x ` +
      `(CPU time ratio ${(serial.cpuSeconds / batched.cpuSeconds).toFixed(2)}x)`,
  );
  console.log(`final programs identical: ${batched.state === serial.state}`);
  if (batched.state !== serial.state) process.exitCode = 1;
}
