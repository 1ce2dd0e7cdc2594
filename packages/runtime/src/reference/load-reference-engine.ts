import { ModelFormatError } from '@x/core';
import { type GGUFFile, ggmlTypeName, readGGUF } from '../gguf/index.js';
import { readTensorSource } from './gguf-tensor-source.js';
import { loadWeights } from './load-weights.js';
import { readModelConfig } from './model-config.js';
import { ReferenceEngine } from './reference-engine.js';

export interface LoadReferenceEngineOptions {
  /** Tokens one sequence can hold; default and maximum: the model's trained context. */
  contextLength?: number;
}

/**
 * Loads a GGUF file into the reference engine, dequantizing every weight to f32.
 * Throws UnsupportedError for architectures or tensor types it does not handle and ModelFormatError
 * for malformed files or missing tensors.
 */
export async function loadReferenceEngine(
  path: string,
  options: LoadReferenceEngineOptions = {},
): Promise<ReferenceEngine> {
  return referenceEngineFromGGUF(await readGGUF(path), options);
}

/** The reference engine for an already-parsed GGUF file (its tensors are read from `file.path`). */
export async function referenceEngineFromGGUF(
  file: GGUFFile,
  options: LoadReferenceEngineOptions = {},
): Promise<ReferenceEngine> {
  const { path } = file;
  const config = readModelConfig(file.metadata, path);
  const { contextLength } = options;
  if (contextLength !== undefined && (!Number.isInteger(contextLength) || contextLength < 1))
    throw new RangeError(`contextLength must be a positive integer, got ${contextLength}`);
  try {
    const weights = loadWeights(config, await readTensorSource(file), path);
    const name = file.metadata['general.name'];
    return new ReferenceEngine(
      { config, weights },
      {
        contextLength,
        name: typeof name === 'string' ? name : undefined,
        weightType: dominantType(file.tensors),
      },
    );
  } catch (error) {
    // A size from the file that no buffer can hold (an invalid typed-array or array length).
    if (error instanceof RangeError)
      throw new ModelFormatError(`cannot hold the model: ${error.message}`, { path, cause: error });
    throw error;
  }
}

/** The type holding the most bytes among 2-D tensors (the matrices), as ggml names it. */
function dominantType(tensors: ReadonlyArray<{ type: number; shape: number[]; byteLength: number }>): string {
  const bytesByType = new Map<number, number>();
  for (const tensor of tensors) {
    if (tensor.shape.length < 2) continue;
    bytesByType.set(tensor.type, (bytesByType.get(tensor.type) ?? 0) + tensor.byteLength);
  }
  let best: number | undefined;
  for (const [type, bytes] of bytesByType)
    if (best === undefined || bytes > bytesByType.get(best)!) best = type;
  return best === undefined ? 'F32' : ggmlTypeName(best);
}
