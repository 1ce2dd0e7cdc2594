import type { GenerateOptions, LM, LMResult, LMStream, Message } from '../../lm/lm.js';

/** An LM that answers from a fixed list (or throws an Error given in it), recording every call. */
export class FakeLM implements LM {
  readonly id = 'fake';
  readonly contextLength = 4096;
  readonly calls: Message[][] = [];

  constructor(private readonly replies: (string | Error)[]) {}

  async generate(messages: Message[], _options?: GenerateOptions): Promise<LMResult> {
    this.calls.push(messages);
    const reply = this.replies.shift();
    if (reply === undefined) throw new Error('FakeLM has no more replies');
    if (reply instanceof Error) throw reply;
    return {
      text: reply,
      usage: { promptTokens: 1, completionTokens: 1 },
      finishReason: 'stop',
      timings: { ttftMs: 0, tokensPerSecond: 0 },
    };
  }

  complete(prompt: string, options?: GenerateOptions): Promise<LMResult> {
    return this.generate([{ role: 'user', content: prompt }], options);
  }

  stream(): LMStream {
    throw new Error('FakeLM does not stream');
  }

  streamComplete(): LMStream {
    throw new Error('FakeLM does not stream');
  }

  async countTokens(): Promise<number> {
    return 0;
  }

  async dispose(): Promise<void> {}
}
