import { describe, expect, it } from 'vitest';
import { AbortError } from '../errors/abort-error.js';
import { BaseLM, type LMRequest } from './base-lm.js';
import type { EmitDelta } from './create-lm-stream.js';
import type { GenerateOptions, LMResult } from './lm.js';

class EchoLM extends BaseLM {
  readonly id = 'echo';
  readonly contextLength = 100;
  readonly requests: LMRequest[] = [];

  protected async streamRequest(
    request: LMRequest,
    _options: GenerateOptions,
    emit: EmitDelta,
    signal: AbortSignal | undefined,
  ): Promise<LMResult> {
    this.requests.push(request);
    const text = request.kind === 'chat' ? request.messages.map((m) => m.content).join('|') : request.prompt;
    let sent = '';
    for (const char of text) {
      if (signal?.aborted) throw new AbortError({ partialText: sent, cause: signal.reason });
      await emit(char);
      sent += char;
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    return {
      text,
      usage: { promptTokens: 1, completionTokens: text.length },
      finishReason: 'stop',
      timings: { ttftMs: 0, tokensPerSecond: 0 },
    };
  }

  async countTokens(input: string | { content: string }[]): Promise<number> {
    return typeof input === 'string' ? input.length : input.length;
  }
}

describe('BaseLM', () => {
  it('routes generate/complete/stream/streamComplete through one streamRequest', async () => {
    const lm = new EchoLM();
    expect((await lm.generate([{ role: 'user', content: 'hi' }])).text).toBe('hi');
    expect((await lm.complete('raw')).text).toBe('raw');
    const deltas: string[] = [];
    const stream = lm.streamComplete('abc');
    for await (const delta of stream) deltas.push(delta);
    expect(deltas).toEqual(['a', 'b', 'c']);
    expect((await lm.stream([{ role: 'user', content: 'zz' }]).result).text).toBe('zz');
    expect(lm.requests.map((r) => r.kind)).toEqual(['chat', 'completion', 'completion', 'chat']);
  });

  it('passes the caller signal into the stream', async () => {
    const lm = new EchoLM();
    const controller = new AbortController();
    const stream = lm.streamComplete('abcdefgh', { signal: controller.signal });
    const seen: string[] = [];
    const consume = (async () => {
      for await (const delta of stream) {
        seen.push(delta);
        if (seen.length === 2) controller.abort();
      }
    })();
    await expect(consume).rejects.toSatisfy(AbortError.isInstance);
    const error = await stream.result.catch((e: unknown) => e);
    expect(AbortError.isInstance(error) && error.partialText.length).toBeGreaterThanOrEqual(2);
  });
});
