import { combineSignals } from './combine-signals.js';
import { createLMStream, type EmitDelta } from './create-lm-stream.js';
import type { GenerateOptions, LM, LMResult, LMStream, Message } from './lm.js';

/** What one LM call asks for: a chat (rendered by the model's template) or a raw prompt. */
export type LMRequest = { kind: 'chat'; messages: Message[] } | { kind: 'completion'; prompt: string };

const dropDelta: EmitDelta = () => Promise.resolve();

/**
 * Implements the four generation methods of `LM` over one `streamRequest`, so a backend writes its
 * generation loop once. Override `generateRequest` when a non-streaming call is cheaper.
 */
export abstract class BaseLM implements LM {
  abstract readonly id: string;
  abstract readonly contextLength: number;

  /**
   * Runs one generation, emitting text deltas as they are produced, and resolves to the whole
   * result. `signal` is the caller's signal, combined with the stream consumer leaving early.
   */
  protected abstract streamRequest(
    request: LMRequest,
    options: GenerateOptions,
    emit: EmitDelta,
    signal: AbortSignal | undefined,
  ): Promise<LMResult>;

  abstract countTokens(input: string | Message[]): Promise<number>;

  protected generateRequest(request: LMRequest, options: GenerateOptions): Promise<LMResult> {
    return this.streamRequest(request, options, dropDelta, options.signal);
  }

  generate(messages: Message[], options: GenerateOptions = {}): Promise<LMResult> {
    return this.generateRequest({ kind: 'chat', messages }, options);
  }

  complete(prompt: string, options: GenerateOptions = {}): Promise<LMResult> {
    return this.generateRequest({ kind: 'completion', prompt }, options);
  }

  stream(messages: Message[], options: GenerateOptions = {}): LMStream {
    return this.openStream({ kind: 'chat', messages }, options);
  }

  streamComplete(prompt: string, options: GenerateOptions = {}): LMStream {
    return this.openStream({ kind: 'completion', prompt }, options);
  }

  async dispose(): Promise<void> {}

  private openStream(request: LMRequest, options: GenerateOptions): LMStream {
    return createLMStream((emit, consumerGone) =>
      this.streamRequest(request, options, emit, combineSignals(options.signal, consumerGone)),
    );
  }
}
