import { ContextLengthError, type LMRequest, throwIfAborted } from '@x/core';
import type { Tokenizer } from '../tokenizer/tokenizer.js';

/** Text longer than this (UTF-16 units) is counted in chunks, yielding between them, before the exact encode. */
const CHUNKED_FROM = 64 * 1024;
const CHUNK = 16 * 1024;
/** A chunked count this far over the context cannot be a boundary effect: the prompt is too long. */
const CLEARLY_OVER = 1.25;
/** The least maxBytesPerToken gives. */
const MIN_BYTES_PER_TOKEN = 32;

/**
 * Keeps one huge request from stalling the process: a cheap byte bound first, then, for long text,
 * a token count in bounded chunks that yields to the event loop between them.
 */
export class PromptSizeGuard {
  private bytesPerToken: number | undefined;

  constructor(
    private readonly tokenizer: Tokenizer,
    private readonly contextLength: number,
  ) {}

  /**
   * Throws ContextLengthError for a request that cannot fit, tokenizing as little as it can. Returns
   * a promise only for long text, whose count runs in chunks; short requests are checked at once.
   */
  check(request: LMRequest, signal?: AbortSignal): Promise<void> | undefined {
    const texts = request.kind === 'completion' ? [request.prompt] : request.messages.map((m) => m.content);
    const units = texts.reduce((sum, text) => sum + text.length, 0);
    // A UTF-16 unit is at most 3 UTF-8 bytes and maxBytesPerToken at least MIN_BYTES_PER_TOKEN, so
    // text this short fits whatever the vocabulary: no byte count (a native call per message) and no
    // vocabulary scan (~5 ms for 32k tokens) until a request is long enough to need them.
    if (Math.ceil((3 * units) / MIN_BYTES_PER_TOKEN) >= this.contextLength) {
      const bytes = texts.reduce((sum, text) => sum + Buffer.byteLength(text, 'utf8'), 0);
      const atLeast = Math.ceil(bytes / this.maxBytesPerToken());
      if (atLeast >= this.contextLength)
        throw new ContextLengthError({ promptTokens: atLeast, contextLength: this.contextLength });
    }
    if (units < CHUNKED_FROM) return undefined;
    return this.countInChunks(texts, signal);
  }

  private async countInChunks(texts: string[], signal: AbortSignal | undefined): Promise<void> {
    let counted = 0;
    for (const text of texts) {
      for (let start = 0; start < text.length; ) {
        await new Promise((resolve) => setImmediate(resolve));
        throwIfAborted(signal);
        const end = chunkEnd(text, start);
        counted += this.tokenizer.encode(text.slice(start, end), {
          addSpecial: false,
          parseSpecial: false,
        }).length;
        if (counted > this.contextLength * CLEARLY_OVER)
          throw new ContextLengthError({ promptTokens: counted, contextLength: this.contextLength });
        start = end;
      }
    }
  }

  /**
   * An upper bound on the input bytes one token stands for: the UTF-8 length of the longest token's
   * vocabulary text (never less than its raw bytes: byte-level and byte-fallback spellings are
   * longer), doubled for normalizers that compose characters, and at least 32.
   */
  private maxBytesPerToken(): number {
    if (this.bytesPerToken === undefined) {
      let longest = MIN_BYTES_PER_TOKEN / 2;
      for (let id = 0; id < this.tokenizer.vocabSize; id++)
        longest = Math.max(longest, Buffer.byteLength(this.tokenizer.tokenText(id), 'utf8'));
      this.bytesPerToken = 2 * longest;
    }
    return this.bytesPerToken;
  }
}

/** Ends a chunk after whitespace near the chunk size, so most chunk edges are word edges. */
function chunkEnd(text: string, start: number): number {
  const limit = start + CHUNK;
  if (limit >= text.length) return text.length;
  const space = text.lastIndexOf(' ', limit);
  if (space > start + CHUNK / 2) return space;
  // Never split a surrogate pair.
  const code = text.charCodeAt(limit - 1);
  return code >= 0xd800 && code <= 0xdbff ? limit + 1 : limit;
}
