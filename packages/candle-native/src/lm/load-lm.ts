import { type LoadLocalLMOptions, type LocalLM, loadLocalLM, modelKeys, readGGUF } from '@x/runtime';
import { loadEngineWithMetadata, type NativeEngineOptions } from '../engine/load-engine.js';

export interface LoadLMOptions extends NativeEngineOptions, Omit<LoadLocalLMOptions, 'contextLength'> {}

/**
 * An LM on the C++ engine: the engine maps the GGUF weights, while the tokenizer and chat template
 * come from the same file's header, read in TS. `location` is a path or an `hf:owner/repo/file.gguf`
 * reference (downloaded into the cache once).
 */
export async function loadLM(location: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const { threads, contextLength, kvType, device, keepFileLayout, kernels, inlineForwardMs, ...lmOptions } =
    options;
  return loadLocalLM(
    location,
    async ({ path, gguf, maxSequences }) => ({
      engine: await loadEngineWithMetadata(
        path,
        { threads, contextLength, kvType, maxSequences, device, keepFileLayout, kernels, inlineForwardMs },
        (gguf ?? (await readGGUF(path, { keys: modelKeys }))).metadata,
      ),
    }),
    lmOptions,
  );
}
