export { estimateTokens } from './estimate-tokens.js';
export { OpenAILM, type OpenAILMOptions } from './openai-lm.js';
export { type ContextOverflow, parseContextOverflow } from './parse-context-overflow.js';
export { defaultRetryPolicy, type RetryPolicy } from './retry-policy.js';
export { SSEDecoder, type SSEEvent } from './sse-decoder.js';
