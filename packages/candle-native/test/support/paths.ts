import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sharedModelsDir } from '@x/runtime/testing';

/** GGUF v3, llama, 5 layers, dim 64, vocab 512, F32, trained on TinyStories. */
export const storiesPath = path.join(sharedModelsDir, 'stories260K.gguf');

export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `x-candle-native-${prefix}-`));
}
