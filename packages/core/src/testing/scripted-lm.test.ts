import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { ContextLengthError } from '../errors/context-length-error.js';
import { LMError } from '../errors/lm-error.js';
import { countWords } from './count-words.js';
import { ScriptedLM } from './scripted-lm.js';

const user = (content: string) => [{ role: 'user' as const, content }];

describe('ScriptedLM', () => {
  it('replies in order and records each call', async () => {
    const lm = new ScriptedLM({ responses: ['one', 'two two'] });
    const first = await lm.generate(user('hello there'), { temperature: 0.5 });
    const second = await lm.complete('raw prompt');
    expect(first.text).toBe('one');
    expect(first.usage).toEqual({ promptTokens: 3, completionTokens: 1 });
    expect(second.text).toBe('two two');
    expect(second.usage).toEqual({ promptTokens: 2, completionTokens: 2 });
    expect(lm.calls.map((c) => [c.index, c.messages?.[0]?.content, c.prompt, c.options.temperature])).toEqual(
      [
        [0, 'hello there', undefined, 0.5],
        [1, undefined, 'raw prompt', undefined],
      ],
    );
    expect(lm.lastCall?.request.kind).toBe('completion');
  });

  it('fails with an LMError when the script runs out, unless told to repeat', async () => {
    const strict = new ScriptedLM({ responses: ['a'] });
    await strict.complete('x');
    await expect(strict.complete('x')).rejects.toSatisfy(LMError.isInstance);
    const repeating = new ScriptedLM({ responses: ['a', 'b'], whenExhausted: 'repeat-last' });
    const texts = [];
    for (let i = 0; i < 4; i++) texts.push((await repeating.complete('x')).text);
    expect(texts).toEqual(['a', 'b', 'b', 'b']);
  });

  it('answers from a function of the messages', async () => {
    const lm = new ScriptedLM({
      responses: ({ messages }) => (messages?.at(-1)?.content ?? '').toUpperCase(),
    });
    expect((await lm.generate(user('shout'))).text).toBe('SHOUT');
  });

  it('streams in the configured chunk size', async () => {
    const lm = new ScriptedLM({ responses: ['abcdefg'], chunkSize: 3 });
    const stream = lm.stream(user('q'));
    const deltas: string[] = [];
    for await (const delta of stream) deltas.push(delta);
    expect(deltas).toEqual(['abc', 'def', 'g']);
    expect((await stream.result).text).toBe('abcdefg');
  });

  it('throws scripted errors, before or after streamed text', async () => {
    const overflow = new ContextLengthError({ promptTokens: 10, contextLength: 8 });
    const lm = new ScriptedLM({
      responses: [overflow, { text: 'partial answer', error: new LMError('died', { status: 500 }) }],
      chunkSize: 7,
    });
    await expect(lm.generate(user('q'))).rejects.toBe(overflow);
    const stream = lm.stream(user('q'));
    const deltas: string[] = [];
    await expect(
      (async () => {
        for await (const delta of stream) deltas.push(delta);
      })(),
    ).rejects.toThrow('died');
    expect(deltas.join('')).toBe('partial answer');
  });

  it('raises ContextLengthError just over the limit and not just under it', async () => {
    const lm = new ScriptedLM({ responses: () => 'ok', contextLength: 10 });
    const underPrompt = 'w '.repeat(9);
    expect(countWords(underPrompt)).toBe(9);
    await expect(lm.complete(underPrompt)).resolves.toMatchObject({ text: 'ok' });
    const error = await lm.complete('w '.repeat(10)).catch((e: unknown) => e);
    expect(ContextLengthError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ promptTokens: 10, contextLength: 10 });
    await expect(lm.complete(underPrompt, { maxTokens: 2 })).rejects.toSatisfy(ContextLengthError.isInstance);
  });

  it('honours stop sequences and maxTokens', async () => {
    const lm = new ScriptedLM({ responses: () => 'alpha beta gamma END delta' });
    expect(await lm.complete('p', { stop: [' END'] })).toMatchObject({
      text: 'alpha beta gamma',
      finishReason: 'stop',
    });
    expect(await lm.complete('p', { maxTokens: 2 })).toMatchObject({
      text: 'alpha beta',
      finishReason: 'length',
    });
  });

  it('aborts mid-stream with the partial text', async () => {
    const lm = new ScriptedLM({ responses: ['0123456789'], chunkSize: 2, chunkDelayMs: 1 });
    const controller = new AbortController();
    const stream = lm.streamComplete('p', { signal: controller.signal });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const delta of stream) {
          seen.push(delta);
          if (seen.length === 2) controller.abort();
        }
      })(),
    ).rejects.toSatisfy(AbortError.isInstance);
    const error = await stream.result.catch((e: unknown) => e);
    expect((error as AbortError).partialText).toBe('0123');
  });

  it('counts tokens by whitespace-separated words plus one per message', async () => {
    const lm = new ScriptedLM({ responses: [] });
    expect(await lm.countTokens('  a bb\nccc\t ')).toBe(3);
    expect(await lm.countTokens([...user('a b'), { role: 'assistant', content: '' }])).toBe(4);
    expect(() => new ScriptedLM({ responses: [], chunkSize: 0 })).toThrowError(RangeError);
  });
});
