import path from 'node:path';
import type { HubReference } from './hub-reference.js';
import { checkSegment } from './hub-reference.js';
import { HubReferenceError } from './hub-reference-error.js';

/** The folder that holds one revision of a repository: `<cacheDir>/<owner>--<name>/<revision>`. */
export function revisionFolder(cacheDir: string, reference: Omit<HubReference, 'path'>): string {
  return inside(cacheDir, path.join(cacheDir, reference.repo.replace('/', '--'), reference.revision));
}

/** Where `file` (a repository path, as the hub lists it) lives in the cache; never outside `folder`. */
export function cachedFilePath(folder: string, file: string): string {
  for (const segment of file.split('/')) checkSegment(file, segment);
  return inside(folder, path.join(folder, ...file.split('/')));
}

function inside(root: string, candidate: string): string {
  const relative = path.relative(root, candidate);
  if (relative === '' || relative.startsWith('..') || path.isAbsolute(relative)) {
    throw new HubReferenceError(candidate, `it resolves outside the cache folder ${root}`);
  }
  return candidate;
}
