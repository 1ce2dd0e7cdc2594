import { HubReferenceError } from './hub-reference-error.js';

/** `hf:owner/repo[@revision][/path/in/repo]`, parsed and checked. */
export interface HubReference {
  /** `owner/name`. */
  repo: string;
  /** A branch, tag or commit; `main` when not given. */
  revision: string;
  /** A file or folder inside the repository; undefined for the whole repository. */
  path: string | undefined;
}

const PREFIX = 'hf:';
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isHubReference(location: string): boolean {
  return location.startsWith(PREFIX);
}

/**
 * Parses an `hf:` reference. Every part is checked so that no reference can name a file outside
 * the cache folder (no `..`, no absolute paths, no backslashes).
 */
export function parseHubReference(reference: string): HubReference {
  if (!isHubReference(reference))
    throw new HubReferenceError(reference, `it does not start with "${PREFIX}"`);
  const [owner, repoAndRevision, ...rest] = reference.slice(PREFIX.length).split('/');
  if (!owner || !repoAndRevision) {
    throw new HubReferenceError(reference, 'expected hf:owner/repo or hf:owner/repo/file');
  }
  const at = repoAndRevision.indexOf('@');
  const name = at < 0 ? repoAndRevision : repoAndRevision.slice(0, at);
  const revision = at < 0 ? 'main' : repoAndRevision.slice(at + 1);
  for (const part of [owner, name]) {
    if (!NAME.test(part) || part.includes('..')) {
      throw new HubReferenceError(reference, `"${part}" is not a valid owner or repository name`);
    }
  }
  if (!REVISION.test(revision) || revision.includes('..')) {
    throw new HubReferenceError(reference, `"${revision}" is not a valid revision`);
  }
  const segments = rest.at(-1) === '' ? rest.slice(0, -1) : rest;
  for (const segment of segments) checkSegment(reference, segment);
  return {
    repo: `${owner}/${name}`,
    revision,
    path: segments.length === 0 ? undefined : segments.join('/'),
  };
}

/** Throws unless `segment` is one plain name inside a folder. */
export function checkSegment(reference: string, segment: string): void {
  if (segment === '' || segment === '.' || segment === '..') {
    throw new HubReferenceError(reference, `path part "${segment}" is empty or leaves its folder`);
  }
  if (/[\\\0:]/.test(segment)) {
    throw new HubReferenceError(reference, `path part "${segment}" holds a backslash, colon or NUL`);
  }
}
