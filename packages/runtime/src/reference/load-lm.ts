import { type GGUFParts, lmFromGGUFParts } from '../generation/lm-from-gguf-parts.js';
import type { LocalLM } from '../generation/local-lm.js';
import { readGGUF } from '../gguf/index.js';
import { createTokenizerFromGGUFMetadata } from '../tokenizer/create-tokenizer-from-gguf-metadata.js';
import { referenceEngineFromGGUF } from './load-reference-engine.js';

export interface LoadLMOptions extends Omit<GGUFParts, 'metadata' | 'engine' | 'tokenizer'> {
  /** Tokens one sequence can hold; default and maximum: the model's trained context. */
  contextLength?: number;
}

/**
 * An LM over the reference engine for a GGUF file: its tokenizer and chat template come from the
 * file's metadata. Slow and exact; meant as the oracle and for tiny models.
 */
export async function loadLM(path: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const { contextLength, ...lmOptions } = options;
  const file = await readGGUF(path);
  const tokenizer = createTokenizerFromGGUFMetadata(file.metadata, path);
  const engine = await referenceEngineFromGGUF(file, { contextLength });
  return lmFromGGUFParts({ ...lmOptions, metadata: file.metadata, engine, tokenizer });
}
