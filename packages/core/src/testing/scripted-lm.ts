import { AbortError } from '../errors/abort-error.js';
import { LMError } from '../errors/lm-error.js';
import { assertFitsContext } from '../lm/assert-fits-context.js';
import { BaseLM, type LMRequest } from '../lm/base-lm.js';
import { computeTimings } from '../lm/compute-timings.js';
import type { EmitDelta } from '../lm/create-lm-stream.js';
import type { FinishReason, GenerateOptions, LMResult, Message } from '../lm/lm.js';
import { requestInput } from '../lm/request-input.js';
import { applyLimits } from './apply-limits.js';
import { countWords } from './count-words.js';

/** One scripted turn: text to stream, then optionally an error to throw (mid-stream when text is given). */
export interface ScriptedTurn {
  text?: string;
  error?: Error;
  finishReason?: FinishReason;
}

/** A string is streamed as the reply; an Error is thrown before any text. */
export type ScriptedResponse = string | Error | ScriptedTurn;

export interface ScriptedCall {
  /** 0-based position of this call among all calls to the LM. */
  index: number;
  request: LMRequest;
  /** The chat messages, or undefined for a raw completion. */
  messages: Message[] | undefined;
  /** The raw prompt, or undefined for a chat. */
  prompt: string | undefined;
  options: GenerateOptions;
}

export type ScriptedResponder = (call: ScriptedCall) => ScriptedResponse | Promise<ScriptedResponse>;

export interface ScriptedLMOptions {
  /** Replies in call order, or a function of each call. */
  responses: ScriptedResponse[] | ScriptedResponder;
  /** Context window in tokens as `countWords` counts them. Default 4096. */
  contextLength?: number;
  /** Characters per streamed delta. Default 4. */
  chunkSize?: number;
  /** Milliseconds to wait before each delta; 0 (default) only yields to the microtask queue. */
  chunkDelayMs?: number;
  /** When the list runs out: repeat the last reply, or fail with an LMError (default). */
  whenExhausted?: 'repeat-last' | 'throw';
  id?: string;
}

/**
 * A deterministic LM for tests (like DSPy's DummyLM): replies from a script, records every call,
 * streams in fixed-size chunks, honours `maxTokens`, `stop` and `signal`, and raises
 * ContextLengthError when the prompt does not fit. Tokens are counted by `countWords`.
 */
export class ScriptedLM extends BaseLM {
  readonly id: string;
  readonly contextLength: number;
  readonly calls: ScriptedCall[] = [];
  private readonly options: ScriptedLMOptions;

  constructor(options: ScriptedLMOptions) {
    super();
    this.options = options;
    this.id = options.id ?? 'scripted';
    this.contextLength = options.contextLength ?? 4096;
    const chunkSize = options.chunkSize ?? 4;
    if (!Number.isInteger(chunkSize) || chunkSize < 1) {
      throw new RangeError(`chunkSize must be a positive integer, got ${chunkSize}`);
    }
  }

  /** The last recorded call, or undefined before the first. */
  get lastCall(): ScriptedCall | undefined {
    return this.calls.at(-1);
  }

  async countTokens(input: string | Message[]): Promise<number> {
    return countWords(input);
  }

  protected async streamRequest(
    request: LMRequest,
    options: GenerateOptions,
    emit: EmitDelta,
    signal: AbortSignal | undefined,
  ): Promise<LMResult> {
    const startMs = performance.now();
    const call: ScriptedCall = {
      index: this.calls.length,
      request,
      messages: request.kind === 'chat' ? request.messages : undefined,
      prompt: request.kind === 'completion' ? request.prompt : undefined,
      options,
    };
    this.calls.push(call);
    if (signal?.aborted) throw new AbortError({ cause: signal.reason });
    const promptTokens = countWords(requestInput(request));
    assertFitsContext({ promptTokens, contextLength: this.contextLength, maxTokens: options.maxTokens });

    const turn = toTurn(await this.respond(call));
    const limited = applyLimits(turn.text ?? '', options);
    const chunkSize = this.options.chunkSize ?? 4;
    let firstTokenMs: number | undefined;
    let sent = '';
    for (let at = 0; at < limited.text.length; at += chunkSize) {
      if (this.options.chunkDelayMs)
        await new Promise((resolve) => setTimeout(resolve, this.options.chunkDelayMs));
      if (signal?.aborted) throw new AbortError({ partialText: sent, cause: signal.reason });
      const delta = limited.text.slice(at, at + chunkSize);
      firstTokenMs ??= performance.now();
      await emit(delta);
      sent += delta;
    }
    if (turn.error) throw turn.error;
    const completionTokens = countWords(limited.text);
    return {
      text: limited.text,
      usage: { promptTokens, completionTokens },
      finishReason: turn.finishReason ?? limited.finishReason,
      timings: computeTimings({ startMs, firstTokenMs, endMs: performance.now(), completionTokens }),
    };
  }

  private async respond(call: ScriptedCall): Promise<ScriptedResponse> {
    const { responses } = this.options;
    if (typeof responses === 'function') return responses(call);
    const response =
      responses[call.index] ?? (this.options.whenExhausted === 'repeat-last' ? responses.at(-1) : undefined);
    if (response === undefined) {
      throw new LMError(
        `ScriptedLM has ${responses.length} scripted responses but got call #${call.index + 1}`,
      );
    }
    return response;
  }
}

function toTurn(response: ScriptedResponse): ScriptedTurn {
  if (typeof response === 'string') return { text: response };
  if (response instanceof Error) return { error: response };
  return response;
}
