import { type GGUFParts, lmFromGGUFParts } from '../generation/lm-from-gguf-parts.js';
import type { LocalLM } from '../generation/local-lm.js';
import { readGGUF } from '../gguf/index.js';
import { type ResolveModelOptions, resolveModel } from '../hub/resolve-model.js';
import { createTokenizerFromGGUFMetadata } from '../tokenizer/create-tokenizer-from-gguf-metadata.js';
import { referenceEngineFromGGUF } from './load-reference-engine.js';

export interface LoadLMOptions extends Omit<GGUFParts, 'metadata' | 'engine' | 'tokenizer'> {
  /** Tokens one sequence can hold; default and maximum: the model's trained context. */
  contextLength?: number;
  /** How an `hf:` reference is fetched (cache folder, endpoint, offline mode, progress). */
  hub?: ResolveModelOptions;
}

/**
 * An LM over the reference engine for a GGUF file: its tokenizer and chat template come from the
 * file's metadata. Slow and exact; meant as the oracle and for tiny models. `location` is a path or
 * an `hf:owner/repo/file.gguf` reference (downloaded into the cache once).
 */
export async function loadLM(location: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const { contextLength, hub, ...lmOptions } = options;
  const path = await resolveModel(location, hub);
  const file = await readGGUF(path);
  const tokenizer = createTokenizerFromGGUFMetadata(file.metadata, path);
  const engine = await referenceEngineFromGGUF(file, { contextLength });
  return lmFromGGUFParts({ ...lmOptions, metadata: file.metadata, engine, tokenizer });
}
