/**
 * Soak test of `x-playground serve`: many concurrent streaming clients on 127.0.0.1 with random
 * aborts and disconnects, then checks that memory settled, every stream ended with [DONE] or was
 * ended by its client, each stream's tokens equal a non-streamed replay with the same seed, no
 * generation is left in flight, and the server saw no unhandled rejection.
 *
 *   tsx --conditions=x-source scripts/soak.ts [--seconds 600] [--clients 64] [--backend candle]
 *       [--model file.gguf] [--temperature 0.8] [--abort-rate 0.15] [--disconnect-rate 0.05] [--kv-probe 12] [--json out.json]
 *
 * Exit 0 when every check passes, 1 when one fails, 2 when the soak itself could not run.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseCliArgs } from '../src/parse-cli-args.js';
import { compareTokens, type ReportedToken } from './compare-tokens.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { options } = parseCliArgs(process.argv.slice(2), new Set());
const seconds = Number(options.seconds ?? 600);
const clients = Number(options.clients ?? 64);
const abortRate = Number(options['abort-rate'] ?? 0.15);
const disconnectRate = Number(options['disconnect-rate'] ?? 0.05);
const backend = options.backend ?? 'candle';
const temperature = Number(options.temperature ?? 0.8);
// The native engine has 16 KV slots and the prefix cache may keep 4: 12 must be free at the end.
const kvProbe = Number(options['kv-probe'] ?? 12);
const model = options.model ?? path.join(root, 'models/stories260K.gguf');

const prompts = [
  'Once upon a time',
  'Lily went to the park and',
  'The little dog was sad because',
  'Tom and Sue wanted to',
  'One day, a big bird',
];

interface Outcome {
  kind:
    | 'done'
    | 'client-abort'
    | 'client-disconnect'
    | 'http-error'
    | 'stream-error'
    | 'no-done'
    | 'diverged'
    | 'lost-or-duplicated'
    | 'mismatch';
  detail?: string;
}

/** Outcomes that pass: a completed stream equal to its replay or diverged by numeric noise, or one its client ended. */
const ended: Outcome['kind'][] = ['done', 'diverged', 'client-abort', 'client-disconnect'];
const counts = new Map<Outcome['kind'], number>();
/** Distinct failure details (the first 200 characters) and how often each came. */
const failures = new Map<string, number>();
let tokensStreamed = 0;
/** Largest logprob difference before a divergence: the size of the batch-dependent noise. */
let maxDivergedDelta = 0;

function record(outcome: Outcome): void {
  counts.set(outcome.kind, (counts.get(outcome.kind) ?? 0) + 1);
  if (ended.includes(outcome.kind)) return;
  const key = `${outcome.kind}: ${outcome.detail ?? ''}`.slice(0, 200);
  if (failures.has(key) || failures.size < 20) failures.set(key, (failures.get(key) ?? 0) + 1);
}

async function startServer(): Promise<{ child: ChildProcess; base: string; stderr: () => string }> {
  const tsx = path.join(root, 'node_modules/.bin/tsx');
  const child = spawn(
    tsx,
    [
      '--conditions=x-source',
      'src/cli.ts',
      'serve',
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--backend',
      backend,
      '--model',
      model,
    ],
    { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stderr = '';
  child.stderr!.on('data', (data) => {
    stderr += data;
  });
  const base = await new Promise<string>((resolve, reject) => {
    let stdout = '';
    child.stdout!.on('data', (data) => {
      stdout += data;
      const match = /on (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(stdout);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) =>
      reject(new Error(`server exited with ${code} before listening:\n${stderr}`)),
    );
  });
  return { child, base, stderr: () => stderr };
}

/** One POST; resolves with status and the whole body, or 'closed' when we ended it ourselves. */
function post(
  base: string,
  route: string,
  body: unknown,
  fate: { afterChunks?: number; beforeResponse?: boolean } = {},
): Promise<{ status: number; text: string } | 'closed'> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = httpRequest(`${base}${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    });
    request.on('error', (error) =>
      request.destroyed && fate.afterChunks !== undefined ? resolve('closed') : reject(error),
    );
    request.on('response', (response) => {
      let text = '';
      let chunks = 0;
      response.setEncoding('utf8');
      response.on('data', (data: string) => {
        text += data;
        if (fate.afterChunks !== undefined && ++chunks >= fate.afterChunks) {
          request.destroy();
          resolve('closed');
        }
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
      response.on('error', () => resolve('closed'));
    });
    request.end(payload);
    if (fate.beforeResponse) {
      setTimeout(() => {
        request.destroy();
        resolve('closed');
      }, Math.random() * 20);
    }
  });
}

interface Reported {
  tokens: ReportedToken[];
  text: string;
}

interface ChoiceLogprobs {
  content?: Array<{ bytes: number[]; logprob: number }>;
  tokens?: string[];
  token_logprobs?: number[];
}

function reportedTokens(logprobs: ChoiceLogprobs | null | undefined): ReportedToken[] {
  if (!logprobs) return [];
  if (logprobs.content) return logprobs.content.map(({ bytes, logprob }) => ({ bytes, logprob }));
  return (logprobs.tokens ?? []).map((token, i) => ({
    bytes: [...Buffer.from(token, 'utf8')],
    logprob: logprobs.token_logprobs![i]!,
  }));
}

/** Tokens and text of one stream's events; null when it did not end with [DONE]. */
function parseStream(text: string, chat: boolean): (Reported & { error?: string }) | null {
  const events = text
    .split('\n\n')
    .filter((event) => event.startsWith('data: '))
    .map((event) => event.slice(6));
  if (events.at(-1) !== '[DONE]') {
    const error = events.find((event) => event.includes('"error"'));
    return error ? { tokens: [], text: '', error } : null;
  }
  const tokens: ReportedToken[] = [];
  let joined = '';
  for (const event of events.slice(0, -1)) {
    const choice = JSON.parse(event).choices[0];
    if (!choice) continue;
    joined += chat ? (choice.delta.content ?? '') : choice.text;
    tokens.push(...reportedTokens(choice.logprobs));
  }
  return { tokens, text: joined };
}

interface WholeChoice {
  text?: string;
  message?: { content: string };
  logprobs: ChoiceLogprobs;
}

const wholeTokens = (body: { choices: WholeChoice[] }): Reported => ({
  tokens: reportedTokens(body.choices[0]!.logprobs),
  text: body.choices[0]!.message?.content ?? body.choices[0]!.text ?? '',
});

async function client(base: string, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const chat = Math.random() < 0.5;
    const prompt = prompts[Math.floor(Math.random() * prompts.length)]!;
    const body = {
      ...(chat ? { messages: [{ role: 'user', content: prompt }], logprobs: true } : { prompt, logprobs: 0 }),
      max_tokens: 8 + Math.floor(Math.random() * 56),
      temperature,
      seed: Math.floor(Math.random() * 2 ** 31),
    };
    const route = chat ? '/v1/chat/completions' : '/v1/completions';
    const roll = Math.random();
    try {
      if (roll < disconnectRate) {
        await post(base, route, { ...body, stream: true }, { beforeResponse: true, afterChunks: 0 });
        record({ kind: 'client-disconnect' });
        continue;
      }
      if (roll < disconnectRate + abortRate) {
        const answer = await post(
          base,
          route,
          { ...body, stream: true },
          { afterChunks: 1 + Math.floor(Math.random() * 6) },
        );
        record(answer === 'closed' ? { kind: 'client-abort' } : { kind: 'done' });
        continue;
      }
      const answer = await post(base, route, { ...body, stream: true });
      if (answer === 'closed') continue;
      if (answer.status !== 200) {
        record({ kind: 'http-error', detail: `${answer.status} ${answer.text.slice(0, 200)}` });
        continue;
      }
      const streamed = parseStream(answer.text, chat);
      if (!streamed) {
        record({ kind: 'no-done', detail: answer.text.slice(-200) });
        continue;
      }
      if (streamed.error) {
        record({ kind: 'stream-error', detail: streamed.error.slice(0, 200) });
        continue;
      }
      tokensStreamed += streamed.tokens.length;
      const replay = await post(base, route, body);
      if (replay === 'closed' || replay.status !== 200) {
        record({
          kind: 'http-error',
          detail: `replay: ${replay === 'closed' ? 'closed' : `${replay.status} ${replay.text.slice(0, 200)}`}`,
        });
        continue;
      }
      const comparison = compareTokens(streamed, wholeTokens(JSON.parse(replay.text)));
      if (comparison.kind === 'same') record({ kind: 'done' });
      else if (comparison.kind === 'diverged') {
        record({ kind: 'diverged' });
        maxDivergedDelta = Math.max(maxDivergedDelta, comparison.maxDelta);
      } else record({ kind: comparison.kind, detail: JSON.stringify(comparison) });
    } catch (error) {
      record({ kind: 'http-error', detail: String(error) });
    }
  }
}

async function metrics(base: string): Promise<Record<string, number>> {
  const text = await (await fetch(`${base}/metrics`)).text();
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^([a-z_]+)(\{[^}]*\})? (\S+)$/.exec(line);
    if (match && !match[2]) values[match[1]!] = Number(match[3]);
    else if (match) values[`${match[1]}${match[2]}`] = Number(match[3]);
  }
  return values;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<number> {
  const server = await startServer();
  const { base } = server;
  process.stdout.write(
    `soak: ${clients} clients for ${seconds} s on ${backend} (${path.basename(model)}) at ${base}\n`,
  );
  const start = Date.now();
  const deadline = start + seconds * 1000;
  // RSS is a garbage collector's sawtooth (±15% between samples under this load), so memory is judged
  // over windows: the sawtooth's top where it settles after a quarter of the run (warm-up: the KV cache's
  // pages and V8's heap grow to the load's peak), against the median of the last fifth of the run. A
  // median for both sides moved with where a major GC landed: seven CI runs settled at 189–212 MiB and
  // ended at 183–205 with no growth, and one failed at 191.7 → 204.5 MiB (its settled window fell just
  // after a collection). A leak still shows: it lifts the median past the earlier top.
  const warmupEnd = start + Math.max(5_000, seconds * 250);
  const settleEnd = warmupEnd + Math.max(10_000, seconds * 200);
  const tailStart = deadline - Math.max(10_000, seconds * 200);
  const rss: Array<{ at: number; rss: number }> = [];
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      rss.push({ at: Date.now(), rss: (await metrics(base)).process_resident_memory_bytes! });
      await sleep(1000);
    }
  })();
  await Promise.all(Array.from({ length: clients }, () => client(base, deadline)));
  sampling = false;
  await sampler;
  await sleep(2000);
  // A leaked sequence shows as a failure here while the runtime has no queue (its stats show it after).
  const probe = await Promise.all(
    Array.from({ length: kvProbe }, () => post(base, '/v1/completions', { prompt: 'Once', max_tokens: 4 })),
  );
  const probeOk = probe.filter((answer) => answer !== 'closed' && answer.status === 200).length;
  const end = await metrics(base);
  const settledSamples = rss
    .filter((sample) => sample.at >= warmupEnd && sample.at < settleEnd)
    .map((s) => s.rss);
  const settled = settledSamples.length > 0 ? Math.max(...settledSamples) : rss[0]!.rss;
  const tailSamples = rss.filter((sample) => sample.at >= tailStart).map((s) => s.rss);
  tailSamples.push(end.process_resident_memory_bytes!);
  tailSamples.sort((a, b) => a - b);
  const endRss = tailSamples[Math.floor(tailSamples.length / 2)]!;
  const lmStats = Object.entries(end).filter(([name]) => name.startsWith('x_lm_'));
  const busyStats = lmStats.filter(
    ([name, value]) => /active|queued|waiting|pending/.test(name) && !/total/.test(name) && value !== 0,
  );
  const checks = {
    rssWithin5Percent: endRss <= settled * 1.05,
    everyStreamDoneOrClientEnded: [...counts.keys()].every((kind) => ended.includes(kind)),
    nothingInFlight: end.x_requests_in_flight === 0 && end.x_requests_waiting === 0 && busyStats.length === 0,
    kvSlotsFree: probeOk === kvProbe,
    noUnhandledRejection:
      end.x_unhandled_rejections_total === 0 && !server.stderr().includes('unhandled rejection'),
    serverAlive: server.child.exitCode === null,
  };
  const report = {
    seconds,
    clients,
    backend,
    model: path.basename(model),
    outcomes: Object.fromEntries(counts),
    tokensStreamed,
    maxDivergedDelta,
    rss: {
      samplesMiB: rss.map((sample) => +(sample.rss / 2 ** 20).toFixed(1)),
      settledMiB: +(settled / 2 ** 20).toFixed(1),
      endMedianMiB: +(endRss / 2 ** 20).toFixed(1),
      ratio: +(endRss / settled).toFixed(3),
    },
    kvProbe: `${probeOk}/${kvProbe} concurrent requests after the soak succeeded`,
    kvCheck:
      lmStats.length > 0
        ? `LM stats: ${lmStats.map(([n, v]) => `${n}=${v}`).join(' ')}`
        : 'server-side counts only (the LM exposes no stats)',
    checks,
    failures: Object.fromEntries(failures),
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  if (options.json) writeFileSync(options.json, JSON.stringify(report, null, 2));
  server.child.kill('SIGTERM');
  const passed = Object.values(checks).every(Boolean);
  process.stdout.write(passed ? 'soak: PASS\n' : 'soak: FAIL\n');
  return passed ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`soak: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  },
);
