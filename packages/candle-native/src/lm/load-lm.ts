import {
  createTokenizerFromGGUFMetadata,
  type LocalLM,
  type LocalLMOptions,
  lmFromGGUFParts,
  type ResolveModelOptions,
  readGGUF,
  resolveModel,
} from '@x/runtime';
import { loadEngineWithMetadata, type NativeEngineOptions } from '../engine/load-engine.js';

export interface LoadLMOptions
  extends NativeEngineOptions,
    Omit<LocalLMOptions, 'engine' | 'tokenizer' | 'modelChatTemplate' | 'contextLength'> {
  /** How an `hf:` reference is fetched (cache folder, endpoint, offline mode, progress). */
  hub?: ResolveModelOptions;
}

/**
 * An LM on the C++ engine: the engine maps the GGUF weights, while the tokenizer and chat template
 * come from the same file's header, read in TS. `location` is a path or an `hf:owner/repo/file.gguf`
 * reference (downloaded into the cache once).
 */
export async function loadLM(location: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const { threads, contextLength, kvType, maxSequences, device, keepFileLayout, hub, ...lmOptions } = options;
  const path = await resolveModel(location, hub);
  const file = await readGGUF(path);
  const engine = await loadEngineWithMetadata(
    path,
    { threads, contextLength, kvType, maxSequences, device, keepFileLayout },
    file.metadata,
  );
  try {
    const tokenizer = createTokenizerFromGGUFMetadata(file.metadata, path);
    // The scheduler admits by engine.info.maxSequences: requests beyond the KV slots wait in line.
    return lmFromGGUFParts({
      ...lmOptions,
      metadata: file.metadata,
      engine,
      tokenizer,
    });
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}
