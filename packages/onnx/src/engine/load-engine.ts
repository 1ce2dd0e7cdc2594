import { isGGUFFile } from '@x/runtime';
import { type CachedConversionOptions, cachedConversion } from '../gguf-to-onnx/converted-model-cache.js';
import { type LoadOnnxEngineOptions, loadOnnxEngine } from './load-onnx-engine.js';
import type { OnnxEngine } from './onnx-engine.js';

export interface LoadEngineOptions
  extends LoadOnnxEngineOptions,
    Omit<CachedConversionOptions, 'externalData'> {}

/**
 * An ONNX engine for a GGUF file (converted once into the cache) or an ONNX export folder / file.
 * Missing or unreadable files give ModelFormatError naming the path.
 */
export async function loadEngine(location: string, options: LoadEngineOptions = {}): Promise<OnnxEngine> {
  if (await isGGUFFile(location)) {
    const { cacheDir, cacheMaxBytes, dtype, maxPositions, accuracy, ...engine } = options;
    return loadOnnxEngine(
      await cachedConversion(location, { cacheDir, cacheMaxBytes, dtype, maxPositions, accuracy }),
      engine,
    );
  }
  return loadOnnxEngine(location, options);
}
