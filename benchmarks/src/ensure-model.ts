import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GGMLType, synthesisProgressBar, synthesizeModel } from '@x/runtime';
import type { EngineCase } from './engine-cases.ts';

const modelsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../models');

// A ggml type name for files of one matrix type, or llama.cpp's per-tensor mix, which synthesizeModel takes by name
function weightType(name: string): GGMLType | 'Q4_K_M' {
  if (name === 'Q4_K_M') return name;
  const type = GGMLType[name as keyof typeof GGMLType];
  if (typeof type !== 'number') throw new RangeError(`unknown weight type ${name}`);
  return type;
}

/** Writes the synthetic GGUF for a case once (seeded, so every machine benchmarks the same bytes). */
export async function ensureModel(engineCase: EngineCase): Promise<string> {
  mkdirSync(modelsDir, { recursive: true });
  const file = path.join(modelsDir, `${engineCase.shape}-${engineCase.type}.gguf`);
  if (!existsSync(file)) {
    process.stderr.write(`synthesizing ${file}\n`);
    await synthesizeModel({
      shape: engineCase.shape,
      type: weightType(engineCase.type),
      seed: 1,
      std: 0.02,
      path: file,
      onProgress: synthesisProgressBar(file),
    });
  }
  return file;
}
