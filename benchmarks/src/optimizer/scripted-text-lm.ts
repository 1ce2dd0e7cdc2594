import type { GenerateOptions, LM, LMResult, LMStream, Message } from '@x/core';
import { UnsupportedError } from '@x/core';
import type { LocalLM } from '@x/runtime';

/** The text a "model" should answer to `messages`. */
export type AnswerOf = (messages: Message[]) => string;

/**
 * A synthetic model for optimiser benchmarks: every call does the work a real model would do on the
 * engine (the whole prompt prefilled through the scheduler and prefix cache, then as many decode
 * steps as the answer has tokens, EOS banned), but the text returned is `answerOf(messages)`, since
 * random weights cannot do arithmetic. So timings are the engine's and the optimiser sees a task.
 */
export class ScriptedTextLM implements LM {
  readonly id: string;
  private readonly local: LocalLM;
  private readonly answerOf: AnswerOf;

  constructor(local: LocalLM, answerOf: AnswerOf) {
    this.local = local;
    this.answerOf = answerOf;
    this.id = `scripted-text:${local.id}`;
  }

  get contextLength(): number {
    return this.local.contextLength;
  }

  /** The local LM's: calls go through its scheduler (Evaluate sizes its batches and warmup by it). */
  get preferredConcurrency(): number {
    return this.local.preferredConcurrency;
  }

  async generate(messages: Message[], options: GenerateOptions = {}): Promise<LMResult> {
    const text = this.answerOf(messages);
    const tokens = this.local.tokenizer.encode(text, { addSpecial: false }).length;
    const eos = this.local.tokenizer.eosId;
    const result = await this.local.generate(messages, {
      ...options,
      temperature: 0,
      maxTokens: tokens,
      stop: [],
      logitBias: eos === undefined ? undefined : { [eos]: -1e9 },
    });
    return { ...result, text };
  }

  complete(): Promise<LMResult> {
    throw new UnsupportedError('scripted-text-complete', 'ScriptedTextLM answers chats only');
  }

  stream(): LMStream {
    throw new UnsupportedError('scripted-text-stream', 'ScriptedTextLM does not stream');
  }

  streamComplete(): LMStream {
    throw new UnsupportedError('scripted-text-stream', 'ScriptedTextLM does not stream');
  }

  countTokens(input: string | Message[]): Promise<number> {
    return this.local.countTokens(input);
  }

  dispose(): Promise<void> {
    return this.local.dispose();
  }
}
