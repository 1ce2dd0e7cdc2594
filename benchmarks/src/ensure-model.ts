import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GGMLType, synthesizeModel } from '@x/runtime';
import type { EngineCase } from './engine-cases.ts';

const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../models');

/** Writes the synthetic GGUF for a case once (seeded, so every machine benchmarks the same bytes). */
export async function ensureModel(engineCase: EngineCase): Promise<string> {
  mkdirSync(modelsDir, { recursive: true });
  const file = path.join(modelsDir, `${engineCase.shape}-${engineCase.type}.gguf`);
  if (!existsSync(file)) {
    process.stderr.write(`synthesizing ${file}\n`);
    const type = GGMLType[engineCase.type as keyof typeof GGMLType];
    await synthesizeModel({ shape: engineCase.shape, type, seed: 1, std: 0.02, path: file });
  }
  return file;
}
