import type { Message } from '../lm/lm.js';
import { estimateTokens } from './estimate-tokens.js';

export interface RemoteTokenCounterOptions {
  /** The server's tokenize endpoint, or undefined to always estimate. */
  tokenizeURL: URL | undefined;
  model: string;
  headers: Record<string, string>;
  fetch: typeof fetch;
  timeoutMs: number;
}

/**
 * Counts tokens with the server's own tokenizer: vLLM's `/tokenize` (text or chat messages, answers
 * `count`) and llama.cpp server's `/tokenize` (text only, answers `tokens`; chats are first rendered
 * by its `/apply-template`). Falls back to `estimateTokens` when the server cannot say, and stops
 * asking once the endpoint is missing.
 */
export class RemoteTokenCounter {
  private endpointMissing = false;

  constructor(private readonly options: RemoteTokenCounterOptions) {}

  async count(input: string | Message[]): Promise<number> {
    const { tokenizeURL } = this.options;
    if (!tokenizeURL || this.endpointMissing) return estimateTokens(input);
    try {
      if (typeof input === 'string')
        return (await this.tokenizeText(tokenizeURL, input)) ?? estimateTokens(input);
      const answer = await this.post(tokenizeURL, {
        model: this.options.model,
        messages: input,
        add_generation_prompt: true,
      });
      if (typeof answer?.count === 'number') return answer.count;
      const rendered = await this.post(new URL('/apply-template', tokenizeURL), { messages: input });
      if (typeof rendered?.prompt === 'string') {
        return (await this.tokenizeText(tokenizeURL, rendered.prompt)) ?? estimateTokens(input);
      }
    } catch {
      // Counting is advisory: an unreachable or odd server must not fail the caller.
    }
    return estimateTokens(input);
  }

  private async tokenizeText(url: URL, text: string): Promise<number | undefined> {
    const answer = await this.post(url, {
      model: this.options.model,
      prompt: text,
      content: text,
      add_special_tokens: true,
      add_special: true,
    });
    if (typeof answer?.count === 'number') return answer.count;
    return Array.isArray(answer?.tokens) ? answer.tokens.length : undefined;
  }

  private async post(url: URL, body: unknown): Promise<Record<string, unknown> | undefined> {
    const response = await this.options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.options.headers },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(this.options.timeoutMs),
    });
    if (response.status === 404 || response.status === 405 || response.status === 501) {
      if (url.pathname.endsWith('/tokenize')) this.endpointMissing = true;
      await response.body?.cancel();
      return undefined;
    }
    if (!response.ok) {
      await response.body?.cancel();
      return undefined;
    }
    const json: unknown = await response.json();
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  }
}
