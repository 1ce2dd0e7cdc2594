import { ContextLengthError } from '../errors/context-length-error.js';

/**
 * Throws a ContextLengthError unless the prompt leaves room for `maxTokens` more tokens (at least one
 * when `maxTokens` is not given) within `contextLength`.
 */
export function assertFitsContext(fields: {
  promptTokens: number;
  contextLength: number;
  maxTokens?: number;
}): void {
  const needed = fields.promptTokens + Math.max(1, fields.maxTokens ?? 1);
  if (needed > fields.contextLength) {
    throw new ContextLengthError({
      promptTokens: fields.promptTokens,
      contextLength: fields.contextLength,
      maxTokens: fields.maxTokens,
    });
  }
}
