import {
  createTokenizerFromGGUFMetadata,
  type LocalLM,
  type LocalLMOptions,
  lmFromGGUFParts,
  type ResolveModelOptions,
  readGGUF,
  resolveModel,
} from '@x/runtime';
import { loadEngine, type NativeEngineOptions } from '../engine/load-engine.js';

export interface LoadLMOptions
  extends NativeEngineOptions,
    Omit<LocalLMOptions, 'engine' | 'tokenizer' | 'modelChatTemplate' | 'contextLength'> {
  /** How an `hf:` reference is fetched (cache folder, endpoint, offline mode, progress). */
  hub?: ResolveModelOptions;
}

const DEFAULT_MAX_SEQUENCES = 16;
const DEFAULT_PREFIX_CACHE = 4;

/**
 * An LM on the C++ engine: the engine maps the GGUF weights, while the tokenizer and chat template
 * come from the same file's header, read in TS. `location` is a path or an `hf:owner/repo/file.gguf`
 * reference (downloaded into the cache once).
 */
export async function loadLM(location: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const { threads, contextLength, kvType, maxSequences, device, hub, ...lmOptions } = options;
  const path = await resolveModel(location, hub);
  const engine = await loadEngine(path, { threads, contextLength, kvType, maxSequences, device });
  try {
    const file = await readGGUF(path);
    const tokenizer = createTokenizerFromGGUFMetadata(file.metadata, path);
    const slots = maxSequences ?? DEFAULT_MAX_SEQUENCES;
    const prefixCacheSize = Math.min(lmOptions.prefixCacheSize ?? DEFAULT_PREFIX_CACHE, slots - 1);
    // Every sequence the scheduler holds at once (batch plus prefix cache) needs a KV slot.
    const maxBatchSize = Math.min(lmOptions.maxBatchSize ?? slots, slots - prefixCacheSize);
    return lmFromGGUFParts({
      ...lmOptions,
      prefixCacheSize,
      maxBatchSize,
      metadata: file.metadata,
      engine,
      tokenizer,
    });
  } catch (error) {
    await engine.dispose();
    throw error;
  }
}
