import type { LMRequest } from './base-lm.js';
import { createLMStream } from './create-lm-stream.js';
import type { GenerateOptions, LM, LMResult, LMStream, Message } from './lm.js';
import { LMCache } from './lm-cache.js';

/**
 * An LM that answers a request it has seen before from an `LMCache` instead of calling `inner`,
 * so re-running an evaluation or an optimiser costs no LM calls (DSPy's `cache=True`). The key is
 * the model id, the request and every generation option but the signal (the inner LM's
 * `defaultOptions` under the call's). Identical requests in
 * flight at once share one call. Only finished results are kept (not aborted or failed ones).
 * Set `enabled = false` to pass every call through.
 */
export class CachedLM implements LM {
  readonly inner: LM;
  readonly cache: LMCache;
  enabled = true;
  private readonly pending = new Map<string, Promise<LMResult>>();

  constructor(inner: LM, cache: LMCache = new LMCache()) {
    this.inner = inner;
    this.cache = cache;
  }

  get id(): string {
    return this.inner.id;
  }

  get contextLength(): number {
    return this.inner.contextLength;
  }

  get supportsFunctionCalling(): boolean | undefined {
    return this.inner.supportsFunctionCalling;
  }

  get defaultOptions(): Readonly<Omit<GenerateOptions, 'signal'>> | undefined {
    return this.inner.defaultOptions;
  }

  get preferredConcurrency(): number | undefined {
    return this.inner.preferredConcurrency;
  }

  generate(messages: Message[], options: GenerateOptions = {}): Promise<LMResult> {
    return this.cached({ kind: 'chat', messages }, options, () => this.inner.generate(messages, options));
  }

  complete(prompt: string, options: GenerateOptions = {}): Promise<LMResult> {
    return this.cached({ kind: 'completion', prompt }, options, () => this.inner.complete(prompt, options));
  }

  stream(messages: Message[], options: GenerateOptions = {}): LMStream {
    return this.cachedStream({ kind: 'chat', messages }, options, () => this.inner.stream(messages, options));
  }

  streamComplete(prompt: string, options: GenerateOptions = {}): LMStream {
    return this.cachedStream({ kind: 'completion', prompt }, options, () =>
      this.inner.streamComplete(prompt, options),
    );
  }

  countTokens(input: string | Message[]): Promise<number> {
    return this.inner.countTokens(input);
  }

  dispose(): Promise<void> {
    return this.inner.dispose();
  }

  private requestKey(request: LMRequest, options: GenerateOptions): Promise<string> {
    // The options the inner LM will really use: its defaults under the call's (tools and
    // toolChoice included), as DSPy keys on the LM's kwargs merged with the call's.
    const { signal: _signal, ...settings } = { ...this.inner.defaultOptions, ...options };
    return this.cache.key({ model: this.inner.id, ...request, ...settings });
  }

  private async cached(
    request: LMRequest,
    options: GenerateOptions,
    call: () => Promise<LMResult>,
  ): Promise<LMResult> {
    if (!this.enabled) return call();
    const key = await this.requestKey(request, options);
    const shared = this.pending.get(key);
    if (shared) return structuredClone(await shared);
    // Registered before the lookup, so an identical request arriving meanwhile waits for this one.
    const running = (async () => {
      const hit = await this.cache.get(key);
      if (hit) return hit;
      const result = await call();
      if (result.finishReason === 'stop' || result.finishReason === 'length')
        await this.cache.set(key, result);
      return result;
    })();
    this.pending.set(key, running);
    try {
      return await running;
    } finally {
      this.pending.delete(key);
    }
  }

  private cachedStream(request: LMRequest, options: GenerateOptions, open: () => LMStream): LMStream {
    if (!this.enabled) return open();
    return createLMStream(async (emit) => {
      const key = await this.requestKey(request, options);
      const hit = await this.cache.get(key);
      if (hit) {
        await emit(hit.text);
        return hit;
      }
      const inner = open();
      for await (const delta of inner) await emit(delta);
      const result = await inner.result;
      if (result.finishReason === 'stop' || result.finishReason === 'length')
        await this.cache.set(key, result);
      return result;
    });
  }
}

/** `lm` behind a cache (a fresh in-memory one unless given). */
export function withCache(lm: LM, cache?: LMCache): CachedLM {
  return new CachedLM(lm, cache);
}
