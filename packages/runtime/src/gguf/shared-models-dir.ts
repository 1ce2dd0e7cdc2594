import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The CJS build has no import.meta.url (the bundler leaves it undefined) but has __dirname.
declare const __dirname: string | undefined;

/** The folder holding pnpm-workspace.yaml above this file (from src/ or dist/, ESM or CJS alike). */
function repositoryRoot(): string {
  const url: string | undefined = import.meta.url;
  let folder =
    typeof url === 'string'
      ? path.dirname(fileURLToPath(url))
      : typeof __dirname === 'string'
        ? __dirname
        : process.cwd();
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
