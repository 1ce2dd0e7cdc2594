import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');

/** $X_SHARED_DIR/models, else ../shared/models beside the repository (tests only). */
export const sharedModelsDir = path.join(
  process.env.X_SHARED_DIR ?? path.resolve(repoRoot, '../shared'),
  'models',
);
