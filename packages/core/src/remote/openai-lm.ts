import { AbortError, throwIfAborted } from '../errors/abort-error.js';
import { LMError } from '../errors/lm-error.js';
import { XError } from '../errors/x-error.js';
import { BaseLM, type LMRequest } from '../lm/base-lm.js';
import { combineSignals } from '../lm/combine-signals.js';
import type { EmitDelta } from '../lm/create-lm-stream.js';
import type { GenerateOptions, LMResult, Message } from '../lm/lm.js';
import { requestInput } from '../lm/request-input.js';
import { buildRequestBody } from './build-request-body.js';
import { estimateTokens } from './estimate-tokens.js';
import { httpError, parseJSON } from './http-error.js';
import { IdleTimeout } from './idle-timeout.js';
import { mapFinishReason } from './map-finish-reason.js';
import { emptyProgress, readCompletionStream } from './read-completion-stream.js';
import { readToolCalls } from './read-tool-calls.js';
import { RemoteTokenCounter } from './remote-token-counter.js';
import { responseTimings } from './response-timings.js';
import { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
import { withRetry } from './with-retry.js';

export interface OpenAILMOptions {
  /** The API root, e.g. `http://127.0.0.1:8000/v1` (vLLM) or `https://api.openai.com/v1`. */
  baseURL: string;
  model: string;
  apiKey?: string;
  headers?: Record<string, string>;
  /** The served model's context window in tokens. Default 4096. */
  contextLength?: number;
  /** Milliseconds of server silence before an attempt fails (reset by every streamed chunk). Default 600000. */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
  /** The tokenize endpoint; default `/tokenize` at the server root; `false` to always estimate. */
  tokenizeURL?: string | false;
  /** Options applied under each call's own. */
  defaults?: Omit<GenerateOptions, 'signal'>;
  /** Whether the served model takes `tools` (native function calling). Default true. */
  functionCalling?: boolean;
  fetch?: typeof fetch;
}

/**
 * An `LM` over any OpenAI-compatible HTTP server (vLLM, llama.cpp server, Ollama, OpenAI):
 * `chat/completions` for messages, `completions` for raw prompts, SSE streaming, retries with
 * backoff on 408/409/429/5xx and network errors (before any text arrives), typed errors.
 */
export class OpenAILM extends BaseLM {
  readonly id: string;
  readonly contextLength: number;
  readonly supportsFunctionCalling: boolean;
  private readonly baseURL: string;
  private readonly model: string;
  private readonly headers: Record<string, string>;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  readonly defaultOptions: Readonly<Omit<GenerateOptions, 'signal'>>;
  private readonly fetch: typeof fetch;
  private readonly tokenCounter: RemoteTokenCounter;

  constructor(options: OpenAILMOptions) {
    super();
    this.baseURL = options.baseURL.endsWith('/') ? options.baseURL : `${options.baseURL}/`;
    this.model = options.model;
    this.id = `openai:${options.model}`;
    this.contextLength = options.contextLength ?? 4096;
    this.supportsFunctionCalling = options.functionCalling ?? true;
    this.headers = {
      ...(options.apiKey ? { authorization: `Bearer ${options.apiKey}` } : {}),
      ...options.headers,
    };
    this.timeoutMs = options.timeoutMs ?? 600_000;
    this.retry = { ...defaultRetryPolicy, ...options.retry };
    this.defaultOptions = options.defaults ?? {};
    this.fetch = options.fetch ?? globalThis.fetch;
    const tokenizeURL =
      options.tokenizeURL === false ? undefined : new URL(options.tokenizeURL ?? '/tokenize', this.baseURL);
    this.tokenCounter = new RemoteTokenCounter({
      tokenizeURL,
      model: this.model,
      headers: this.headers,
      fetch: this.fetch,
      timeoutMs: Math.min(this.timeoutMs, 30_000),
    });
  }

  countTokens(input: string | Message[]): Promise<number> {
    return this.tokenCounter.count(input);
  }

  protected override async generateRequest(request: LMRequest, options: GenerateOptions): Promise<LMResult> {
    const signal = options.signal;
    throwIfAborted(signal);
    const startMs = performance.now();
    const body = buildRequestBody(this.model, request, { ...this.defaultOptions, ...options }, false);
    const json = await withRetry(
      () => this.attempt(request, body, signal, async (response) => parseJSON(await response.text())),
      this.retry,
      signal,
    );
    const choice = (json as { choices?: Array<Record<string, unknown>> }).choices?.[0];
    const toolCalls = request.kind === 'chat' ? readToolCalls(choice?.message) : undefined;
    const content =
      request.kind === 'chat'
        ? (choice?.message as { content?: unknown } | undefined)?.content
        : choice?.text;
    // With tool calls, OpenAI sends `content: null`.
    const text = content === null && toolCalls ? '' : content;
    if (typeof text !== 'string') {
      throw new LMError(`the server's response has no text: ${JSON.stringify(json).slice(0, 300)}`);
    }
    const usage = (json as { usage?: Record<string, unknown> }).usage;
    const completionTokens = numberOr(usage?.completion_tokens, () => estimateTokens(text));
    return {
      text,
      usage: {
        promptTokens: numberOr(usage?.prompt_tokens, () => estimateRequest(request)),
        completionTokens,
      },
      finishReason: mapFinishReason(choice?.finish_reason),
      timings: responseTimings({
        startMs,
        firstTokenMs: undefined,
        endMs: performance.now(),
        completionTokens,
        server: (json as { timings?: unknown }).timings,
      }),
      ...(toolCalls ? { toolCalls } : {}),
    };
  }

  protected async streamRequest(
    request: LMRequest,
    options: GenerateOptions,
    emit: EmitDelta,
    signal: AbortSignal | undefined,
  ): Promise<LMResult> {
    throwIfAborted(signal);
    const startMs = performance.now();
    const body = buildRequestBody(this.model, request, { ...this.defaultOptions, ...options }, true);
    const { response, timeout } = await withRetry(
      () => this.attempt(request, body, signal, async (response, timeout) => ({ response, timeout })),
      this.retry,
      signal,
    );
    const progress = emptyProgress();
    try {
      if (!response.body) throw new LMError('the server answered a stream request with no body');
      await readCompletionStream(response.body, request.kind, progress, emit, {
        onChunk: () => timeout.reset(),
        contextLength: this.contextLength,
      });
    } catch (error) {
      throw this.classify(error, signal, timeout, progress.text);
    } finally {
      timeout.clear();
    }
    if (!progress.done && progress.finishReason === undefined) {
      throw new LMError('the stream ended before the server said it was done');
    }
    const completionTokens = numberOr(progress.usage?.completion_tokens, () => progress.pieces);
    return {
      text: progress.text,
      usage: {
        promptTokens: numberOr(progress.usage?.prompt_tokens, () => estimateRequest(request)),
        completionTokens,
      },
      finishReason: progress.finishReason ?? 'stop',
      timings: responseTimings({
        startMs,
        firstTokenMs: progress.firstTokenMs,
        endMs: performance.now(),
        completionTokens,
        server: progress.serverTimings,
      }),
      ...(progress.toolCalls.length > 0 ? { toolCalls: progress.toolCalls } : {}),
    };
  }

  /** One HTTP attempt: POST, map a failed status to a typed error, then `read` the response. */
  private async attempt<T>(
    request: LMRequest,
    body: Record<string, unknown>,
    signal: AbortSignal | undefined,
    read: (response: Response, timeout: IdleTimeout) => Promise<T>,
  ): Promise<T> {
    const url = new URL(request.kind === 'chat' ? 'chat/completions' : 'completions', this.baseURL);
    const timeout = new IdleTimeout(this.timeoutMs);
    let keepTimeout = false;
    try {
      const response = await this.fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', ...this.headers },
        body: JSON.stringify(body),
        signal: combineSignals(signal, timeout.signal),
      });
      if (!response.ok) throw httpError(response, await response.text(), this.contextLength);
      const value = await read(response, timeout);
      keepTimeout = body.stream === true;
      return value;
    } catch (error) {
      throw this.classify(error, signal, timeout, '');
    } finally {
      if (!keepTimeout) timeout.clear();
    }
  }

  private classify(
    error: unknown,
    signal: AbortSignal | undefined,
    timeout: IdleTimeout,
    partialText: string,
  ) {
    if (signal?.aborted) return new AbortError({ partialText, cause: signal.reason });
    if (timeout.fired) return timeout.error;
    if (XError.isInstance(error)) return error;
    const reason = error instanceof Error ? error.message : String(error);
    // Without a response, the request most likely never reached the server, so it is safe to retry.
    return new LMError(`request to ${this.baseURL} failed: ${reason}`, {
      retryable: partialText === '',
      cause: error,
    });
  }
}

function numberOr(value: unknown, fallback: () => number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback();
}

function estimateRequest(request: LMRequest): number {
  return estimateTokens(requestInput(request));
}
