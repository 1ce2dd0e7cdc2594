import { ContextLengthError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { createFakeLM } from './testing/fake-lm.js';

const afterNextMacrotask = () => {
  const seen = { ticked: false };
  setImmediate(() => {
    seen.ticked = true;
  });
  return seen;
};

describe('over-long input', () => {
  it('rejects a 15 MiB message from its byte length alone, tokenizing nothing', async () => {
    const { lm, tokenizer, engine } = createFakeLM({ contextLength: 4096 });
    const huge = 'a'.repeat(15 * 1024 * 1024);
    const error = await lm.generate([{ role: 'user', content: huge }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextLengthError);
    expect((error as ContextLengthError).promptTokens).toBeGreaterThan(4096);
    await expect(lm.countTokens(huge)).rejects.toBeInstanceOf(ContextLengthError);
    expect(tokenizer.encodeCalls).toBe(0);
    expect(engine.calls).toHaveLength(0);
  });

  it('counts long text in chunks, yielding to the event loop, and stops once it is clearly over', async () => {
    const { lm, tokenizer } = createFakeLM({ contextLength: 65536 });
    // 400 KiB passes the byte bound (at most 32 bytes a token: 13k tokens) but is ~400k tokens
    const long = 'ab '.repeat(140_000);
    const seen = afterNextMacrotask();
    const error = await lm.complete(long).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ContextLengthError);
    expect(seen.ticked).toBe(true);
    expect(tokenizer.encodeCalls).toBeGreaterThan(1);
    // stopped after ~82k tokens: about 6 of the 26 chunks
    expect(tokenizer.encodeCalls).toBeLessThan(10);
  });

  it('still encodes a long prompt that fits exactly as a whole', async () => {
    const { lm, tokenizer } = createFakeLM({ contextLength: 90_000 });
    const long = 'ab '.repeat(25_000);
    const result = await lm.complete(long, { maxTokens: 1 });
    expect(result.usage.promptTokens).toBe(tokenizer.encode(long).length);
  });
});
