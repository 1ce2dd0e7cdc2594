import type { Engine } from '../engine/engine.js';
import type { Tokenizer } from '../tokenizer/tokenizer.js';
import { LocalLM, type LocalLMOptions } from './local-lm.js';

export interface GGUFParts extends Omit<LocalLMOptions, 'engine' | 'tokenizer' | 'modelChatTemplate'> {
  /** The GGUF key/value metadata (as `readGGUF(path).metadata` gives it). */
  metadata: Readonly<Record<string, unknown>>;
  engine: Engine;
  tokenizer: Tokenizer;
}

/**
 * A LocalLM whose chat template comes from the GGUF's `tokenizer.chat_template` when present,
 * else from a fallback chosen by the vocabulary and `general.architecture`; the caller's
 * `chatTemplate` overrides both.
 */
export function lmFromGGUFParts(parts: GGUFParts): LocalLM {
  const { metadata, ...options } = parts;
  const template = metadata['tokenizer.chat_template'];
  const architecture = metadata['general.architecture'];
  return new LocalLM({
    architecture: typeof architecture === 'string' ? architecture : undefined,
    ...options,
    modelChatTemplate: typeof template === 'string' ? template : undefined,
  });
}
