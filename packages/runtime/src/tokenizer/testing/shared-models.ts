import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../../..');

/** The shared test-model folder: $X_SHARED_DIR/models, else ../shared/models beside the repository. */
export const sharedModels = path.join(
  process.env.X_SHARED_DIR ?? path.resolve(repoRoot, '../shared'),
  'models',
);

export const vocabDir = path.join(sharedModels, 'llama.cpp-vocab');
