// `pnpm bench:concurrency`: issue #15's concurrency table. For 1, 2, 4, 8, 16 calls made at once
// (each its own prompt, greedy, a fixed number of new tokens): aggregate tok/s and p50/p99 call
// latency, on our native engine through `lm.complete` (the scheduler batches the calls) and on
// node-llama-cpp with one context of N sequences (its own multi-sequence batching), in one process,
// alternating per stream count. `--peer none` leaves node-llama-cpp out.
import { loadEngine, loadLM } from '@x/candle-native';
import type { LocalLM } from '@x/runtime';
import { getLlama, type LlamaModel } from 'node-llama-cpp';
import { ensureModel } from '../ensure-model.ts';
import { traceForwardCalls } from '../optimizer/forward-trace.ts';
import { threadCpuSeconds } from '../optimizer/thread-cpu.ts';
import { type ConcurrencyArgs, concurrencyHelp, parseConcurrencyArgs } from './concurrency-args.ts';
import { formatEngineSteps, formatGapSteps, measureEngineSteps, measureGapSteps } from './engine-steps.ts';
import { percentile } from './percentile.ts';
import { formatStreamTrace, newStreamTrace, resetStreamTrace, type StreamTrace } from './stream-trace.ts';

let args: ConcurrencyArgs;
try {
  args = parseConcurrencyArgs(process.argv.slice(2));
} catch (error) {
  console.error(`bench:concurrency: ${(error as Error).message}`);
  process.exit(2);
}
if (args.help) {
  console.log(concurrencyHelp);
  process.exit(0);
}
const { threads, gen, rounds, type, lookup, prompts: promptCache } = args;
const streamCounts = args.streams;
const shapes = args.shapes;
const withPeer = args.peer;
const maxStreams = Math.max(...streamCounts);

const prompts = Array.from(
  { length: maxStreams },
  (_, i) => `Request ${i + 1}: write a short story about a lighthouse keeper and the number ${i * 7 + 3}.`,
);

/**
 * One call's prompt. Cold prompts lead with the round, so a call shares at most "Round N. Request "
 * with any other and prefills the rest of its prompt.
 */
const promptOf = (prompt: string, round: number) =>
  promptCache === 'cold' ? `Round ${round}. ${prompt}` : `${prompt} (round ${round})`;

interface Measurement {
  /** Generated tokens of all calls ÷ wall seconds of the round. */
  tokensPerSecond: number;
  /** Wall milliseconds of every call, all rounds. */
  latencies: number[];
}

/** `trace`: counts the rounds' forward calls (its engine wrapped) and timings, when --trace is on. */
async function measureOurs(lm: LocalLM, streams: number, trace?: StreamTrace): Promise<Measurement> {
  let tokens = 0;
  let seconds = 0;
  const latencies: number[] = [];
  if (trace !== undefined) resetStreamTrace(trace, rounds);
  const cpuBefore = process.cpuUsage();
  const threadsBefore = threadCpuSeconds();
  for (let round = 0; round < rounds; round++) {
    const start = performance.now();
    await Promise.all(
      prompts.slice(0, streams).map(async (prompt) => {
        const called = performance.now();
        const result = await lm.complete(promptOf(prompt, round), { maxTokens: gen, temperature: 0 });
        latencies.push(performance.now() - called);
        tokens += result.usage?.completionTokens ?? 0;
      }),
    );
    seconds += (performance.now() - start) / 1000;
  }
  if (trace !== undefined) {
    const cpu = process.cpuUsage(cpuBefore);
    const threadsAfter = threadCpuSeconds();
    trace.tokens = tokens;
    trace.wallMs = seconds * 1000;
    trace.cpuSeconds = (cpu.user + cpu.system) / 1e6;
    if (threadsBefore !== undefined && threadsAfter !== undefined) {
      trace.jsThreadCpuSeconds = threadsAfter.js - threadsBefore.js;
      trace.otherThreadsCpuSeconds = threadsAfter.other - threadsBefore.other;
    }
  }
  return { tokensPerSecond: tokens / seconds, latencies };
}

async function measureLlamaCpp(model: LlamaModel, streams: number): Promise<Measurement> {
  const promptLength = Math.max(...prompts.map((p) => model.tokenize(p).length)) + 8;
  const context = await model.createContext({
    contextSize: streams * (promptLength + gen + 16),
    sequences: streams,
    threads,
    batchSize: 512,
  });
  let tokens = 0;
  let seconds = 0;
  const latencies: number[] = [];
  try {
    const sequences = Array.from({ length: streams }, () => context.getSequence());
    const bos = model.tokens.bos;
    for (let round = 0; round < rounds; round++) {
      const start = performance.now();
      await Promise.all(
        sequences.map(async (sequence, i) => {
          const called = performance.now();
          await sequence.clearHistory();
          const input = model.tokenize(promptOf(prompts[i]!, round));
          let generated = 0;
          for await (const _token of sequence.evaluate(bos === null ? input : [bos, ...input], {
            temperature: 0,
          })) {
            if (++generated >= gen) break;
          }
          latencies.push(performance.now() - called);
          tokens += generated;
        }),
      );
      seconds += (performance.now() - start) / 1000;
    }
  } finally {
    await context.dispose();
  }
  return { tokensPerSecond: tokens / seconds, latencies };
}

/** --trace's lines, printed after the table. */
const traces: string[] = [];

const llama = withPeer
  ? await getLlama({ gpu: false, build: 'never', logLevel: 'error' as never })
  : undefined;
const lines = [
  `threads ${threads}; ${gen} new tokens per call, greedy; ${rounds} rounds per stream count; ` +
    `prompt lookup ${lookup ? 'on' : 'off'}; ${promptCache} prompts; ` +
    'latency = one call from start to last token',
  '',
  '| model | streams | x tok/s | x ÷ x 1 stream | x p50 / p99 ms | node-llama-cpp tok/s | x ÷ llama.cpp | llama.cpp p50 / p99 ms |',
  '|---|---|---|---|---|---|---|---|',
];
for (const shape of shapes) {
  const modelPath = await ensureModel({ shape, type });
  const lm = await loadLM(modelPath, {
    threads,
    contextLength: 1024,
    maxSequences: maxStreams + 8,
    ...(lookup ? {} : { promptLookupMaxBatch: 0 }),
  });
  const theirs = llama !== undefined ? await llama.loadModel({ modelPath }) : undefined;
  const trace = args.trace ? newStreamTrace(rounds) : undefined;
  if (trace !== undefined) traceForwardCalls(lm.engine, trace.forward);
  let singleTrace: StreamTrace | undefined;
  // Warm prompts: every stream count then starts with each of its prompts in the prefix cache, so the
  // 1-stream row (whose prompt an earlier call always left there) is not the only one spared prefill.
  if (promptCache === 'warm')
    await Promise.all(prompts.map((prompt) => lm.complete(prompt, { maxTokens: 4 })));
  else await lm.complete('warm-up call', { maxTokens: 4 });
  let single = 0;
  for (const streams of streamCounts) {
    process.stderr.write(`${shape} ${type}: ${streams} streams\n`);
    const ours = await measureOurs(lm, streams, trace);
    if (trace !== undefined) {
      if (streams === 1) singleTrace = structuredClone(trace);
      traces.push(formatStreamTrace(`${shape} ${type} ${streams} streams`, trace, singleTrace));
      process.stderr.write(`${traces.at(-1)}\n`);
    }
    const peer = theirs === undefined ? undefined : await measureLlamaCpp(theirs, streams);
    if (streams === 1) single = ours.tokensPerSecond;
    const ms = (m: Measurement) =>
      `${percentile(m.latencies, 50).toFixed(0)} / ${percentile(m.latencies, 99).toFixed(0)}`;
    lines.push(
      `| ${shape} ${type} | ${streams} | ${ours.tokensPerSecond.toFixed(1)} | ` +
        `${single > 0 ? (ours.tokensPerSecond / single).toFixed(2) : '–'}× | ${ms(ours)} | ` +
        (peer === undefined
          ? '– | – | – |'
          : `${peer.tokensPerSecond.toFixed(1)} | **${(ours.tokensPerSecond / peer.tokensPerSecond).toFixed(2)}×** | ${ms(peer)} |`),
    );
    process.stderr.write(`${lines.at(-1)}\n`);
  }
  const promptTokens = await lm.countTokens(promptOf(prompts[0]!, 0));
  await lm.dispose();
  await theirs?.dispose();
  if (trace !== undefined) {
    // The engine's own decode steps at the calls' context, on a fresh context of the same file: the
    // ceiling for "x ÷ x 1 stream" that the scheduler's rounds are compared with.
    const engine = await loadEngine(modelPath, {
      threads,
      contextLength: 1024,
      // Every stream count's set at once, or the gap steps' four sets of 8.
      maxSequences: Math.max(
        streamCounts.reduce((sum, n) => sum + n, 0),
        32,
      ),
    });
    try {
      const rows = [...new Set([1, ...streamCounts])].sort((a, b) => a - b);
      const timings = await measureEngineSteps(engine, rows, {
        context: promptTokens,
        steps: gen - 1,
        rounds,
      });
      traces.push(
        formatEngineSteps(`${shape} ${type}, ${promptTokens}-token prompts, ${gen - 1} steps`, timings),
      );
      process.stderr.write(`${traces.at(-1)}\n`);
      // The scheduler's JS between steps (0.1–0.3 ms) leaves the engine's threads idle that long; the
      // engine-alone steps above follow each other at once. Same steps, with such gaps before each call:
      for (const gapRows of [1, 8].filter((n) => rows.includes(n))) {
        const gaps = await measureGapSteps(engine, gapRows, [0, 150, 300, 600], {
          context: promptTokens,
          steps: gen - 1,
          rounds,
        });
        traces.push(formatGapSteps(`${shape} ${type}`, gapRows, gaps));
        process.stderr.write(`${traces.at(-1)}\n`);
      }
    } finally {
      await engine.dispose();
    }
  }
}
if (traces.length > 0)
  lines.push('', 'where the rounds went (--trace on; totals over all rounds, then per round):', ...traces);
console.log(lines.join('\n'));
process.exit(0);
