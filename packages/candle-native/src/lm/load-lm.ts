import {
  createTokenizerFromGGUFMetadata,
  type LocalLM,
  type LocalLMOptions,
  lmFromGGUFParts,
  readGGUF,
} from '@x/runtime';
import { loadEngine, type NativeEngineOptions } from '../engine/load-engine.js';

export interface LoadLMOptions
  extends NativeEngineOptions,
    Omit<LocalLMOptions, 'engine' | 'tokenizer' | 'modelChatTemplate' | 'contextLength'> {}

const DEFAULT_MAX_SEQUENCES = 16;
const DEFAULT_PREFIX_CACHE = 4;

/**
 * An LM on the C++ engine: the engine maps the GGUF weights, while the tokenizer and chat template
 * come from the same file's header, read in TS.
 */
export async function loadLM(path: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const { threads, contextLength, kvType, maxSequences, device, ...lmOptions } = options;
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
