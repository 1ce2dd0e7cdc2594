// `pnpm bench:prefix`: the prefix cache and prompt lookup of issue #15 on the native engine.
//   cot:        a ChainOfThought call (instructions + 4 demos, ≈1.5k tokens with SmolLM2's own tokenizer)
//               with N inputs, one after another: time to first token of the first call (cold) against
//               the later ones, with a breakdown of a warm call (format, tokenize, prompt tokens reused
//               from the cache and prefilled, prefill forward time).
//   concurrent: 8 such calls at once on a prefix nobody has cached, against one call alone.
//   lookup:     DSPy-style extraction calls (ChatAdapter; the answer's values copied from the records in
//               the prompt), the random-weight model steered to write the correct answer; greedy decode
//               tok/s with prompt lookup against without, and how many drafted tokens were kept.
//   lookup-loop: the earlier unsteered case (not run by default): the random model's own repetition.
// Every case checks that the tokens equal a run with the cache and drafting off.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { loadLM } from '@x/candle-native';
import type { LMResult, Message } from '@x/core';
import type { LocalLM } from '@x/runtime';
import { NEAR_TIE, sharedModelsDir, shortfall } from '@x/runtime/testing';
import { ensureModel } from '../ensure-model.ts';
import { spread } from '../median.ts';
import { cotMessages, questions } from './cot-messages.ts';
import { extractionCalls } from './extraction-case.ts';
import { steerToAnswer } from './steer-to-answer.ts';

const argv = process.argv.slice(2);
const option = (flag: string, fallback: string) => {
  const index = argv.indexOf(flag);
  return index >= 0 ? argv[index + 1]! : fallback;
};
const threads = Number(option('--threads', '2'));
const calls = Number(option('--calls', '20'));
const gen = Number(option('--gen', '32'));
const only = option('--case', 'cot,concurrent,lookup').split(',');
const shape = option('--shape', 'smollm2-135m');
const model = await ensureModel({ shape, type: option('--type', 'Q8_0') });
// The synthetic GGUF carries a byte tokenizer, which makes prompts ~4× longer than a real model's:
// the SmolLM2 shape runs with SmolLM2's own tokenizer when the shared models hold it ('--tokenizer builtin' to keep the byte one).
const realTokenizer = path.join(sharedModelsDir, 'tokenizers', `${shape}-instruct`, 'tokenizer.json');
const tokenizerOption = option('--tokenizer', existsSync(realTokenizer) ? realTokenizer : 'builtin');
const tokenizer = tokenizerOption === 'builtin' ? undefined : tokenizerOption;

const plainOptions = {
  prefixCacheSize: 0,
  sharedPrefixMinTokens: Number.MAX_SAFE_INTEGER,
  promptLookupMaxBatch: 0,
};
const open = (plain = false) =>
  loadLM(model, {
    threads,
    contextLength: 8192,
    ...(tokenizer === undefined ? {} : { tokenizer }),
    ...(plain ? plainOptions : {}),
  });
const ask = (lm: LocalLM, messages: Message[]) => lm.generate(messages, { maxTokens: gen, temperature: 0 });
const same = (a: LMResult[], b: LMResult[]) =>
  a.every((r, i) => JSON.stringify(r.tokenIds) === JSON.stringify(b[i]!.tokenIds));
const ms = (value: number) => `${value.toFixed(1)} ms`;
const lines: string[] = [
  `model ${model}, tokenizer ${tokenizer ?? 'built-in bytes'}, ${threads} threads, ${gen} new tokens per call`,
];

/** Records each prefill forward call (more than one token for one sequence) of `lm`'s engine. */
function watchPrefill(lm: LocalLM) {
  const { engine } = lm;
  const forward = engine.forward.bind(engine);
  const calls: { reused: number; tokens: number; ms: number }[] = [];
  engine.forward = async (batch, signal, options) => {
    const reused = batch.map((request) => engine.sequenceLength(request.seq));
    const start = performance.now();
    const logits = await forward(batch, signal, options);
    if (batch.length === 1 && batch[0]!.logitsFor === 'last' && batch[0]!.tokens.length > 1)
      calls.push({ reused: reused[0]!, tokens: batch[0]!.tokens.length, ms: performance.now() - start });
    return logits;
  };
  return calls;
}

if (only.includes('cot')) {
  const cached = await open();
  const plain = await open(true);
  const prefills = watchPrefill(cached);
  const results: LMResult[] = [];
  const expected: LMResult[] = [];
  const warmCalls: {
    formatMs: number;
    encodeMs: number;
    reused: number;
    prefilled: number;
    prefillMs: number;
  }[] = [];
  for (const question of questions.slice(0, calls)) {
    let start = performance.now();
    const messages = cotMessages(question);
    const formatMs = performance.now() - start;
    start = performance.now();
    cached.encodeRequest({ kind: 'chat', messages });
    const encodeMs = performance.now() - start;
    const before = prefills.length;
    results.push(await ask(cached, messages));
    const own = prefills.slice(before);
    warmCalls.push({
      formatMs,
      encodeMs,
      reused: own[0]?.reused ?? 0,
      prefilled: own.reduce((sum, call) => sum + call.tokens, 0),
      prefillMs: own.reduce((sum, call) => sum + call.ms, 0),
    });
    expected.push(await ask(plain, cotMessages(question)));
  }
  const cold = results[0]!.timings!.ttftMs;
  const warm = spread(results.slice(1).map((r) => r.timings!.ttftMs)).median;
  const later = warmCalls.slice(1);
  const median = (pick: (call: (typeof later)[number]) => number) => spread(later.map(pick)).median;
  lines.push(
    `cot: ${calls} sequential calls, prompt ${results[0]!.usage!.promptTokens} tokens: TTFT cold ${ms(cold)}, ` +
      `later median ${ms(warm)} (${(cold / warm).toFixed(1)}× lower); cache off median ` +
      `${ms(spread(expected.map((r) => r.timings!.ttftMs)).median)}; identical tokens: ${same(results, expected)}`,
    `cot breakdown: cold prefilled ${warmCalls[0]!.prefilled} tokens in ${ms(warmCalls[0]!.prefillMs)}; a warm call ` +
      `(median) formats the messages in ${ms(median((c) => c.formatMs))}, tokenizes in ${ms(median((c) => c.encodeMs))}, ` +
      `reuses ${median((c) => c.reused)} cached tokens and prefills ${median((c) => c.prefilled)} in ` +
      `${ms(median((c) => c.prefillMs))} (the rest of TTFT: sampling the first token and scheduling)`,
  );
  await cached.dispose();
  await plain.dispose();
}

if (only.includes('concurrent')) {
  const timed = async (plain: boolean, n: number) => {
    const lm = await open(plain);
    const start = performance.now();
    const results = await Promise.all(questions.slice(0, n).map((q) => ask(lm, cotMessages(q))));
    const seconds = (performance.now() - start) / 1000;
    await lm.dispose();
    return { seconds, results };
  };
  const one = await timed(false, 1);
  const eight = await timed(false, 8);
  const eightPlain = await timed(true, 8);
  lines.push(
    `concurrent: 1 call ${one.seconds.toFixed(2)} s; 8 at once ${eight.seconds.toFixed(2)} s ` +
      `(${(eight.seconds / one.seconds).toFixed(2)}× one call); 8 at once, cache off ${eightPlain.seconds.toFixed(2)} s ` +
      `(${(eightPlain.seconds / one.seconds).toFixed(2)}×); identical tokens: ${same(eight.results, eightPlain.results)}`,
  );
}

if (only.includes('lookup')) {
  // Extraction calls whose answers copy the records; the random-weight model is steered to write
  // them (steer-to-answer.ts), so acceptance is that of a model that extracts correctly.
  const calls = extractionCalls(Number(option('--extractions', '3')));
  const decode = async (plain: boolean) => {
    const lm = await open(plain);
    const results: LMResult[] = [];
    for (const call of calls) {
      const promptLength = lm.encodeRequest({ kind: 'chat', messages: call.messages }).length;
      const answer = lm.tokenizer.encode(call.answer, { addSpecial: false });
      const unsteer = steerToAnswer(lm, promptLength, answer);
      await lm.generate(call.messages, { maxTokens: 1, temperature: 0 });
      results.push(await lm.generate(call.messages, { maxTokens: answer.length, temperature: 0 }));
      unsteer();
    }
    const stats = lm.stats();
    await lm.dispose();
    return { results, stats };
  };
  const fast = await decode(false);
  const slow = await decode(true);
  const rate = (rs: LMResult[]) => {
    const tokens = rs.reduce((sum, r) => sum + r.usage!.completionTokens - 1, 0);
    const seconds = rs.reduce(
      (sum, r) => sum + (r.usage!.completionTokens - 1) / r.timings!.tokensPerSecond,
      0,
    );
    return tokens / seconds;
  };
  const copied = fast.results.every((r, i) => r.text === calls[i]!.answer);
  lines.push(
    `lookup: ${calls.length} extraction calls (ChatAdapter, ${fast.results[0]!.usage!.promptTokens}-token prompt, ` +
      `${fast.results.map((r) => r.usage!.completionTokens).join('+')} answer tokens copied from the records: ${copied}), ` +
      `decode ${rate(fast.results).toFixed(1)} tok/s with prompt lookup, ${rate(slow.results).toFixed(1)} without ` +
      `(${(rate(fast.results) / rate(slow.results)).toFixed(2)}×); drafted ${fast.stats.draftedTokens}, ` +
      `kept ${fast.stats.acceptedDraftTokens} (${(fast.stats.draftAcceptanceRate * 100).toFixed(0)}%); ` +
      `identical tokens: ${same(fast.results, slow.results)}`,
  );
}

if (only.includes('lookup-loop')) {
  const record = [
    'Name: Ada Lovelace. Born: 10 December 1815, London. Known for: the first published algorithm, for the Analytical Engine.',
    'Name: Alan Turing. Born: 23 June 1912, Maida Vale. Known for: the Turing machine and breaking Enigma at Bletchley Park.',
    'Name: Grace Hopper. Born: 9 December 1906, New York City. Known for: the first compiler and the COBOL language.',
  ].join('\n');
  const prompt = `Records:\n${record}\n\nCopy the record of Alan Turing exactly.\nRecord: Name: Alan Turing.`;
  const decode = async (plain: boolean) => {
    const lm = await open(plain);
    await lm.complete(prompt, { maxTokens: 1 });
    const result = await lm.complete(prompt, { maxTokens: gen * 4, temperature: 0 });
    await lm.dispose();
    return result;
  };
  const fast = await decode(false);
  const slow = await decode(true);
  const rate = (r: LMResult) => r.timings!.tokensPerSecond;
  lines.push(
    `lookup-loop (unsteered: the random model repeats itself): ${fast.usage!.completionTokens} tokens, decode ` +
      `${rate(fast).toFixed(1)} tok/s with prompt lookup, ${rate(slow).toFixed(1)} without ` +
      `(${(rate(fast) / rate(slow)).toFixed(2)}×); identical tokens: ${same([fast], [slow])}` +
      (same([fast], [slow]) ? '' : `; ${await firstDifference(prompt, slow.tokenIds!, fast.tokenIds!)}`),
  );
}

/**
 * Where the run with prompt lookup first leaves the plain greedy run, judged on the plain engine's
 * logits there: quantized weights verified k tokens at a time round differently from one at a time,
 * so a flip at a near tie (the engines' stated rule) is expected; anything else is a bug.
 */
async function firstDifference(prompt: string, plain: number[], drafted: number[]): Promise<string> {
  let i = 0;
  while (i < plain.length && plain[i] === drafted[i]) i++;
  const lm = await open(true);
  const ids = lm.encodeRequest({ kind: 'completion', prompt });
  const seq = lm.engine.createSequence();
  const [row] = await lm.engine.forward([
    { seq, tokens: Int32Array.from([...ids, ...plain.slice(0, i)]), logitsFor: 'last' },
  ]);
  const gap = shortfall(row!, drafted[i]!);
  await lm.dispose();
  return `first difference at token ${i}: ${gap < NEAR_TIE ? 'a near tie' : 'NOT a near tie'} (the drafted run's pick is ${(100 * gap).toFixed(2)}% below the plain run's top logit; the rule is ${100 * NEAR_TIE}%)`;
}

console.log(lines.join('\n'));
