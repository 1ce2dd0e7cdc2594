import { LocalLM, type LocalLMOptions } from './local-lm.js';

/** A LocalLM over an engine and tokenizer; see LocalLMOptions for the knobs. */
export function createLocalLM(options: LocalLMOptions): LocalLM {
  return new LocalLM(options);
}
