import type { GenerateOptions, LM, LMResult, LMStream, Message } from '@x/core';

/** Delegates to `inner`, handing every streamed chunk to `onDelta` and keeping the last call's result. */
export class TapLM implements LM {
  lastResult: LMResult | undefined;

  constructor(
    private readonly inner: LM,
    private readonly onDelta: (delta: string) => void,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get contextLength(): number {
    return this.inner.contextLength;
  }

  async generate(messages: Message[], options?: GenerateOptions): Promise<LMResult> {
    return this.keep(await this.inner.generate(messages, options));
  }

  async complete(prompt: string, options?: GenerateOptions): Promise<LMResult> {
    return this.keep(await this.inner.complete(prompt, options));
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

  /** The inner LM belongs to the backend pool, which disposes it. */
  async dispose(): Promise<void> {}

  private keep(result: LMResult): LMResult {
    this.lastResult = result;
    return result;
  }

  private tap(stream: LMStream): LMStream {
    const onDelta = this.onDelta;
    const result = stream.result.then((value) => this.keep(value));
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
