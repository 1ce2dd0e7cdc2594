import type { GenerateOptions, LM, LMResult, LMStream, Message } from '@x/core';

export interface TapHandlers {
  /** Every streamed text delta, in order. */
  onDelta(delta: string): void;
  /** Every call's result; `streamed` is false for generate/complete, whose text never passed onDelta. */
  onResult?(result: LMResult, streamed: boolean): void;
}

/**
 * Delegates to `inner`, showing what it generates: streamed deltas as they come, and each result.
 * Keeps the last call's result. The inner LM stays its owner's to dispose.
 */
export class TapLM implements LM {
  lastResult: LMResult | undefined;

  constructor(
    private readonly inner: LM,
    private readonly handlers: TapHandlers,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get contextLength(): number {
    return this.inner.contextLength;
  }

  async generate(messages: Message[], options?: GenerateOptions): Promise<LMResult> {
    return this.keep(await this.inner.generate(messages, options), false);
  }

  async complete(prompt: string, options?: GenerateOptions): Promise<LMResult> {
    return this.keep(await this.inner.complete(prompt, options), false);
  }

  stream(messages: Message[], options?: GenerateOptions): LMStream {
    return this.tap(this.inner.stream(messages, options));
  }

  streamComplete(prompt: string, options?: GenerateOptions): LMStream {
    return this.tap(this.inner.streamComplete(prompt, options));
  }

  countTokens(input: string | Message[]): Promise<number> {
    return this.inner.countTokens(input);
  }

  async dispose(): Promise<void> {}

  private keep(result: LMResult, streamed: boolean): LMResult {
    this.lastResult = result;
    this.handlers.onResult?.(result, streamed);
    return result;
  }

  private tap(stream: LMStream): LMStream {
    const { onDelta } = this.handlers;
    const result = stream.result.then((value) => this.keep(value, true));
    result.catch(() => undefined);
    return {
      result,
      async *[Symbol.asyncIterator]() {
        for await (const chunk of stream) {
          onDelta(chunk);
          yield chunk;
        }
      },
    };
  }
}
