import type { Message } from '../lm/lm.js';

/**
 * A rough token count for servers without a tokenize endpoint: one token per 4 characters (the
 * usual figure for English BPE vocabularies), plus 4 per chat message for its role and separators.
 */
export function estimateTokens(input: string | Message[]): number {
  if (typeof input === 'string') return Math.ceil(input.length / 4);
  return input.reduce((total, message) => total + 4 + estimateTokens(message.content), 0);
}
