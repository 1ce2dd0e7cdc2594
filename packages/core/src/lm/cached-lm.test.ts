import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exactAnswer, sumExamples, sumModel } from '../evaluate/__fixtures__/arithmetic.js';
import { evaluate } from '../evaluate/evaluate.js';
import { Predict } from '../modules/predict.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { CachedLM, withCache } from './cached-lm.js';
import { LMCache } from './lm-cache.js';
import { sortedJson } from './sorted-json.js';

const hello = [{ role: 'user' as const, content: 'héllo "x"' }];

describe('LMCache', () => {
  it('keys a request as DSPy does: sha256 of the sorted-key JSON', async () => {
    const request = { model: 'scripted', kind: 'chat', messages: hello, temperature: 1, maxTokens: 8 };
    // dspy/clients/cache.py cache_key: sha256(orjson.dumps(params, option=orjson.OPT_SORT_KEYS)).hexdigest()
    // (the expected values were printed by python3 with orjson 3 for the same dict)
    expect(sortedJson(request)).toBe(
      '{"kind":"chat","maxTokens":8,"messages":[{"content":"héllo \\"x\\"","role":"user"}],"model":"scripted","temperature":1}',
    );
    expect(await new LMCache().key(request)).toBe(
      'b2c470db39ef9da6e10e65e73307dabefa037056a8a27de1d518acd633a90351',
    );
  });

  it('drops the least recently used entry beyond maxEntries', async () => {
    const cache = new LMCache({ maxEntries: 2 });
    const result = (text: string) => ({
      text,
      usage: { promptTokens: 1, completionTokens: 1 },
      finishReason: 'stop' as const,
      timings: { ttftMs: 0, tokensPerSecond: 0 },
    });
    await cache.set('a', result('a'));
    await cache.set('b', result('b'));
    await cache.get('a');
    await cache.set('c', result('c'));
    expect(await cache.get('b')).toBeUndefined();
    expect((await cache.get('a'))?.text).toBe('a');
    expect(cache.size).toBe(2);
  });
});

describe('CachedLM', () => {
  it('answers a repeated request from memory, and a changed option with a new call', async () => {
    const inner = new ScriptedLM({ responses: ['one', 'two', 'three'] });
    const lm = withCache(inner);
    expect((await lm.generate(hello, { maxTokens: 8 })).text).toBe('one');
    expect((await lm.generate(hello, { maxTokens: 8, signal: new AbortController().signal })).text).toBe(
      'one',
    );
    expect((await lm.generate(hello, { maxTokens: 9 })).text).toBe('two');
    expect((await lm.complete('héllo', { maxTokens: 8 })).text).toBe('three');
    expect(inner.calls).toHaveLength(3);
    expect(lm.cache.hits.memory).toBe(1);
  });

  it('shares one call between identical requests in flight', async () => {
    const inner = new ScriptedLM({ responses: ['once'], chunkDelayMs: 2 });
    const lm = withCache(inner);
    const texts = await Promise.all([1, 2, 3].map(() => lm.generate(hello)));
    expect(texts.map((result) => result.text)).toEqual(['once', 'once', 'once']);
    expect(inner.calls).toHaveLength(1);
  });

  it('keeps no failed call, and passes everything through when disabled', async () => {
    const inner = new ScriptedLM({ responses: [new Error('down'), 'up', 'again'] });
    const lm = withCache(inner);
    await expect(lm.generate(hello)).rejects.toThrow('down');
    expect((await lm.generate(hello)).text).toBe('up');
    lm.enabled = false;
    expect((await lm.generate(hello)).text).toBe('again');
    expect(inner.calls).toHaveLength(3);
  });

  it('streams a cached answer as one delta with the same result', async () => {
    const inner = new ScriptedLM({ responses: ['streamed text'], chunkSize: 3 });
    const lm = withCache(inner);
    const first = lm.stream(hello);
    const deltas: string[] = [];
    for await (const delta of first) deltas.push(delta);
    expect(deltas).toEqual(['str', 'eam', 'ed ', 'tex', 't']);
    const second = lm.stream(hello);
    const replayed: string[] = [];
    for await (const delta of second) replayed.push(delta);
    expect(replayed).toEqual(['streamed text']);
    expect((await second.result).text).toBe((await first.result).text);
    expect(inner.calls).toHaveLength(1);
  });

  it('reads results another process left on disk', async () => {
    const directory = await mkdtemp(path.join(tmpdir(), 'x-lm-cache-'));
    const first = new ScriptedLM({ responses: ['from disk'] });
    await new CachedLM(first, new LMCache({ directory })).generate(hello);
    const second = new ScriptedLM({ responses: ['fresh'] });
    const cache = new LMCache({ directory });
    expect((await new CachedLM(second, cache).generate(hello)).text).toBe('from disk');
    expect(second.calls).toHaveLength(0);
    expect(cache.hits.disk).toBe(1);
  });

  it('makes re-running an evaluation cost no LM calls', async () => {
    const inner = new ScriptedLM({ responses: sumModel() });
    const program = new Predict('question -> answer', { lm: withCache(inner) });
    const options = { devset: sumExamples(12), metric: exactAnswer, displayProgress: false };
    const first = await evaluate(program, options);
    const calls = inner.calls.length;
    const second = await evaluate(program, options);
    expect(calls).toBe(12);
    expect(inner.calls).toHaveLength(12);
    expect(second.rows.map((row) => row.score)).toEqual(first.rows.map((row) => row.score));
  });
});
