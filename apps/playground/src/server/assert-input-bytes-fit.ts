import type { LM, Message } from '@x/core';
import { RequestError } from '../http/request-error.js';

interface TokenBytes {
  vocabSize: number;
  tokenBytes(id: number): Uint8Array;
}

const longestToken = new WeakMap<object, number>();

/** Longest token in bytes, read once per tokenizer; a backend without a tokenizer gets a loose 64. */
function maxBytesPerToken(lm: LM): number {
  const tokenizer = (lm as { tokenizer?: TokenBytes }).tokenizer;
  if (!tokenizer || typeof tokenizer.tokenBytes !== 'function') return 64;
  let longest = longestToken.get(tokenizer);
  if (longest === undefined) {
    longest = 1;
    for (let id = 0; id < tokenizer.vocabSize; id++)
      longest = Math.max(longest, tokenizer.tokenBytes(id).length);
    longestToken.set(tokenizer, longest);
  }
  return longest;
}

/**
 * Rejects input that cannot fit the context whatever the tokenizer does with it: every token
 * covers at most the longest token's bytes, so more bytes than contextLength × that is too long.
 * Costs one pass over the byte lengths, against a full tokenization on the event loop.
 */
export function assertInputBytesFit(lm: LM, input: string | Message[]): void {
  const text = typeof input === 'string' ? [input] : input.map((message) => message.content);
  let bytes = 0;
  for (const part of text) bytes += Buffer.byteLength(part, 'utf8');
  const perToken = maxBytesPerToken(lm);
  if (bytes > lm.contextLength * perToken)
    throw new RequestError({
      status: 400,
      code: 'context_length_exceeded',
      param: typeof input === 'string' ? 'prompt' : 'messages',
      message: `the input has ${bytes} bytes, at least ${Math.ceil(bytes / perToken)} tokens, but the context holds ${lm.contextLength}`,
    });
}
