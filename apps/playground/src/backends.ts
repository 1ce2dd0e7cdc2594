import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LM } from '@x/core';

export const backendNames = ['candle', 'onnx', 'reference'] as const;
export type BackendName = (typeof backendNames)[number];

export interface BackendOptions {
  threads?: number;
  contextLength?: number;
  /** Requests that may wait for a KV slot; one more gets QueueFullError (a server's 429). */
  maxQueue?: number;
  /** KV cache bytes the LM's requests may hold together; past it the scheduler preempts. */
  kvMemoryBytes?: number;
}

/** stories260K, committed beside the app so that the first command needs no download. */
export const defaultModelPath = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../models/stories260K.gguf',
);

export function isBackendName(value: string): value is BackendName {
  return (backendNames as readonly string[]).includes(value);
}

/** Loads `modelPath` on the named backend; each backend package is imported only when asked for. */
export async function loadBackend(
  name: BackendName,
  modelPath: string,
  options: BackendOptions = {},
): Promise<LM> {
  switch (name) {
    case 'candle':
      return (await import('@x/candle-native')).loadLM(modelPath, options);
    case 'onnx':
      return (await import('@x/onnx')).loadLM(modelPath, options);
    case 'reference':
      return (await import('@x/runtime')).loadLM(modelPath, options);
  }
}
