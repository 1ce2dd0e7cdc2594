import type { Message } from '../lm/lm.js';

/**
 * ScriptedLM's token rule, deterministic by design: a text has one token per run of non-whitespace
 * characters, and a message list counts each message's content plus one token for its role.
 */
export function countWords(input: string | Message[]): number {
  if (typeof input === 'string') return input.match(/\S+/g)?.length ?? 0;
  return input.reduce((total, message) => total + 1 + countWords(message.content), 0);
}
