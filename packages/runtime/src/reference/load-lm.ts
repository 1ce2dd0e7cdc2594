import { type LoadLocalLMOptions, loadLocalLM } from '../generation/load-local-lm.js';
import type { LocalLM } from '../generation/local-lm.js';
import { readGGUF } from '../gguf/index.js';
import { referenceEngineFromGGUF } from './load-reference-engine.js';

export interface LoadLMOptions extends LoadLocalLMOptions {
  /** Tokens one sequence can hold; default and maximum: the model's trained context. */
  contextLength?: number;
}

/**
 * An LM over the reference engine for a GGUF file: its tokenizer and chat template come from the
 * file's metadata. Slow and exact; meant as the oracle and for tiny models. `location` is a path or
 * an `hf:owner/repo/file.gguf` reference (downloaded into the cache once).
 */
export async function loadLM(location: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const { contextLength, ...lmOptions } = options;
  return loadLocalLM(
    location,
    async ({ path, gguf }) => ({
      engine: await referenceEngineFromGGUF(gguf ?? (await readGGUF(path)), { contextLength }),
    }),
    lmOptions,
  );
}
