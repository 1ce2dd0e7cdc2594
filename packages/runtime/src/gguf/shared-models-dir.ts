import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder holding pnpm-workspace.yaml above this file (from src/ or dist/ alike). */
function repositoryRoot(): string {
  let folder = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(folder, 'pnpm-workspace.yaml'))) {
    const parent = path.dirname(folder);
    if (parent === folder) return process.cwd();
    folder = parent;
  }
  return folder;
}

/**
 * The one locator of the shared test models (tests and benchmarks): $X_SHARED_DIR/models, else
 * ../shared/models beside the repository.
 */
export const sharedModelsDir = path.join(
  process.env.X_SHARED_DIR ?? path.resolve(repositoryRoot(), '../shared'),
  'models',
);
