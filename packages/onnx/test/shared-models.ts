import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** ../shared/models beside the repository (X_SHARED_DIR overrides the shared folder). */
export const sharedModels = path.join(
  process.env.X_SHARED_DIR ?? path.resolve(repoRoot, '../shared'),
  'models',
);
