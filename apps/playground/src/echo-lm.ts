import type { GenerateOptions, LM, LMResult, LMStream, Message } from '@x/core';

/** Delegates to `inner`, showing every generated chunk as it streams (and whole non-streamed texts). */
export class EchoLM implements LM {
  constructor(
    private readonly inner: LM,
    private readonly write: (text: string) => void,
  ) {}

  get id(): string {
    return this.inner.id;
  }

  get contextLength(): number {
    return this.inner.contextLength;
  }

  async generate(messages: Message[], options?: GenerateOptions): Promise<LMResult> {
    const result = await this.inner.generate(messages, options);
    this.write(`\n--- second call (not streamed) ---\n${result.text}`);
    return result;
  }

  async complete(prompt: string, options?: GenerateOptions): Promise<LMResult> {
    const result = await this.inner.complete(prompt, options);
    this.write(`\n--- second call (not streamed) ---\n${result.text}`);
    return result;
  }

  stream(messages: Message[], options?: GenerateOptions): LMStream {
    return this.echo(this.inner.stream(messages, options));
  }

  streamComplete(prompt: string, options?: GenerateOptions): LMStream {
    return this.echo(this.inner.streamComplete(prompt, options));
  }

  countTokens(input: string | Message[]): Promise<number> {
    return this.inner.countTokens(input);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }

  private echo(stream: LMStream): LMStream {
    const write = this.write;
    return {
      result: stream.result,
      async *[Symbol.asyncIterator]() {
        for await (const chunk of stream) {
          write(chunk);
          yield chunk;
        }
      },
    };
  }
}
