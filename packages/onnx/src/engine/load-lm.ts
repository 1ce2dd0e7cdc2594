import { type LoadLocalLMOptions, type LocalLM, loadLocalLM } from '@x/runtime';
import { cachedConversion } from '../gguf-to-onnx/converted-model-cache.js';
import { findOnnxModel } from '../model/find-onnx-model.js';
import type { LoadEngineOptions } from './load-engine.js';
import { onnxEngineFromFiles } from './load-onnx-engine.js';

export interface LoadLMOptions extends LoadEngineOptions, Omit<LoadLocalLMOptions, 'contextLength'> {}

/**
 * An LM on onnxruntime for a GGUF file (converted once, cached by its sha256; tokenizer and chat
 * template from the GGUF) or an ONNX export folder (tokenizer.json and tokenizer_config.json beside it).
 * `location` may be an `hf:` reference: a GGUF file, or a repository / folder / graph of an ONNX export.
 */
export async function loadLM(reference: string, options: LoadLMOptions = {}): Promise<LocalLM> {
  const {
    threads,
    executionProvider,
    graphOptimizationLevel,
    contextLength,
    file,
    padDecodeBatches,
    cacheDir,
    cacheMaxBytes,
    dtype,
    maxPositions,
    accuracy,
    contribOps,
    ...lmOptions
  } = options;
  const engineOptions = {
    threads,
    executionProvider,
    graphOptimizationLevel,
    contextLength,
    file,
    padDecodeBatches,
  };
  return loadLocalLM(
    reference,
    async ({ path, gguf }) => {
      const location =
        gguf === undefined
          ? path
          : await cachedConversion(path, {
              cacheDir,
              cacheMaxBytes,
              dtype,
              maxPositions,
              accuracy,
              contribOps,
            });
      const files = await findOnnxModel(location, file);
      return { engine: await onnxEngineFromFiles(files, engineOptions), tokenizerFolder: files.folder };
    },
    lmOptions,
  );
}
