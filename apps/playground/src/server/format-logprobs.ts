import type { TokenAlternative, TokenLogprob } from '@x/core';

const decoder = new TextDecoder();
const text = (token: TokenAlternative) => decoder.decode(token.bytes);

/** Chat's `logprobs` object: `content` holds one entry per token. */
export function chatLogprobs(tokens: readonly TokenLogprob[]) {
  const entry = (token: TokenAlternative) => ({
    token: text(token),
    logprob: token.logprob,
    bytes: [...token.bytes],
  });
  return {
    content: tokens.map((token) => ({ ...entry(token), top_logprobs: token.top.map(entry) })),
    refusal: null,
  };
}

/** Legacy completions' `logprobs` object; `textOffset` is where the first token starts in the choice's text. */
export function completionLogprobs(tokens: readonly TokenLogprob[], textOffset = 0) {
  const offsets: number[] = [];
  let offset = textOffset;
  for (const token of tokens) {
    offsets.push(offset);
    offset += text(token).length;
  }
  return {
    tokens: tokens.map(text),
    token_logprobs: tokens.map((token) => token.logprob),
    top_logprobs: tokens.map((token) => Object.fromEntries(token.top.map((alt) => [text(alt), alt.logprob]))),
    text_offset: offsets,
  };
}
