import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

export const sharedDir = process.env.X_SHARED_DIR ?? path.resolve(repoRoot, '../shared');
export const modelsDir = path.join(sharedDir, 'models');
/** GGUF v3, llama, 5 layers, dim 64, vocab 512, F32, trained on TinyStories. */
export const storiesPath = path.join(modelsDir, 'stories260K.gguf');

export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), `x-candle-native-${prefix}-`));
}
