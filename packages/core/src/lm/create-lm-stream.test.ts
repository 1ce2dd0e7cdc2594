import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { LMError } from '../errors/lm-error.js';
import { UnsupportedError } from '../errors/unsupported-error.js';
import { createLMStream } from './create-lm-stream.js';
import type { LMResult } from './lm.js';

const resultOf = (text: string): LMResult => ({
  text,
  usage: { promptTokens: 1, completionTokens: text.length },
  finishReason: 'stop',
  timings: { ttftMs: 0, tokensPerSecond: 0 },
});

async function collect(stream: AsyncIterable<string>): Promise<string[]> {
  const deltas: string[] = [];
  for await (const delta of stream) deltas.push(delta);
  return deltas;
}

describe('createLMStream', () => {
  it('yields deltas in order and resolves result', async () => {
    const stream = createLMStream(async (emit) => {
      for (const delta of ['a', 'b', 'c']) {
        await new Promise((resolve) => setTimeout(resolve, 1));
        emit(delta);
      }
      return resultOf('abc');
    });
    expect(await collect(stream)).toEqual(['a', 'b', 'c']);
    expect((await stream.result).text).toBe('abc');
  });

  it('delivers deltas emitted synchronously before the result', async () => {
    const stream = createLMStream(async (emit) => {
      emit('x');
      emit('');
      emit('y');
      return resultOf('xy');
    });
    expect(await collect(stream)).toEqual(['x', 'y']);
  });

  it('resolves result without anyone iterating', async () => {
    const stream = createLMStream(async (emit) => {
      for (let i = 0; i < 500; i++) await emit('t');
      return resultOf('t'.repeat(500));
    });
    expect((await stream.result).text).toHaveLength(500);
  });

  it('surfaces the error after the deltas emitted before it, and from result', async () => {
    const stream = createLMStream(async (emit) => {
      emit('partial');
      throw new LMError('boom', { status: 500 });
    });
    const seen: string[] = [];
    await expect(
      (async () => {
        for await (const delta of stream) seen.push(delta);
      })(),
    ).rejects.toThrow('boom');
    expect(seen).toEqual(['partial']);
    await expect(stream.result).rejects.toSatisfy(LMError.isInstance);
  });

  it('signals the producer when the consumer breaks early', async () => {
    let stoppedBy: unknown;
    const stream = createLMStream(async (emit, signal) => {
      for (let i = 0; ; i++) {
        if (signal.aborted) {
          stoppedBy = signal.reason;
          throw new AbortError({ cause: signal.reason });
        }
        await emit(String(i));
        await new Promise((resolve) => setTimeout(resolve, 0));
      }
    });
    const seen: string[] = [];
    for await (const delta of stream) {
      seen.push(delta);
      if (seen.length === 3) break;
    }
    expect(seen).toEqual(['0', '1', '2']);
    await expect(stream.result).rejects.toSatisfy(AbortError.isInstance);
    expect(AbortError.isInstance(stoppedBy)).toBe(true);
  });

  it('pauses an awaiting producer while a slow consumer lags behind', async () => {
    let maxUnread = 0;
    let produced = 0;
    let consumed = 0;
    const stream = createLMStream(
      async (emit) => {
        for (let i = 0; i < 100; i++) {
          produced++;
          maxUnread = Math.max(maxUnread, produced - consumed);
          await emit('d');
        }
        return resultOf('');
      },
      { highWaterMark: 4 },
    );
    for await (const _ of stream) {
      consumed++;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    expect(consumed).toBe(100);
    expect(maxUnread).toBeLessThanOrEqual(6);
  });

  it('refuses a second iteration', async () => {
    const stream = createLMStream(async () => resultOf(''));
    await collect(stream);
    expect(() => stream[Symbol.asyncIterator]()).toThrowError(UnsupportedError);
  });

  it('turns a synchronous throw in run into a rejection', async () => {
    const stream = createLMStream(() => {
      throw new LMError('sync');
    });
    await expect(collect(stream)).rejects.toThrow('sync');
    await expect(stream.result).rejects.toThrow('sync');
  });
});
