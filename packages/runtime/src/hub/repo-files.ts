import { DownloadError } from './download-error.js';
import type { HubConfig } from './hub-config.js';
import { checkSegment, type HubReference } from './hub-reference.js';

/** One file of a repository, with what its bytes must hash to. */
export interface RepoFile {
  path: string;
  size: number;
  /** For LFS files: the sha256 of the content. */
  sha256: string | undefined;
  /** For plain git files: the git blob id (sha1 of "blob <size>\0" + content). */
  gitSha1: string | undefined;
}

interface Sibling {
  rfilename?: unknown;
  size?: unknown;
  blobId?: unknown;
  lfs?: { sha256?: unknown; size?: unknown };
}

export function hubHeaders(config: HubConfig): Record<string, string> {
  return config.token ? { authorization: `Bearer ${config.token}` } : {};
}

/** Lists a revision's files with sizes and hashes: GET /api/models/<repo>/revision/<rev>?blobs=true. */
export async function fetchRepoFiles(
  config: HubConfig,
  reference: Omit<HubReference, 'path'>,
  signal?: AbortSignal,
): Promise<RepoFile[]> {
  const url = `${config.endpoint}/api/models/${reference.repo}/revision/${encodeURIComponent(reference.revision)}?blobs=true`;
  let response: Response;
  try {
    response = await fetch(url, { headers: hubHeaders(config), signal });
  } catch (cause) {
    throw new DownloadError(url, 'the hub did not answer', { cause });
  }
  if (!response.ok) {
    const reason =
      response.status === 404 || response.status === 401
        ? `repository ${reference.repo} at revision ${reference.revision} not found (or it needs HF_TOKEN)`
        : `HTTP ${response.status}`;
    throw new DownloadError(url, reason, { status: response.status });
  }
  const body = (await response.json().catch((cause: unknown) => {
    throw new DownloadError(url, 'the metadata is not JSON', { cause });
  })) as { siblings?: unknown };
  if (!Array.isArray(body.siblings)) throw new DownloadError(url, 'the metadata has no "siblings" list');
  return (body.siblings as Sibling[]).map((sibling) => repoFile(url, sibling));
}

function repoFile(url: string, sibling: Sibling): RepoFile {
  const name = sibling.rfilename;
  if (typeof name !== 'string') throw new DownloadError(url, 'a sibling has no "rfilename"');
  for (const segment of name.split('/')) checkSegment(name, segment);
  const lfsSize = sibling.lfs?.size;
  const size = typeof lfsSize === 'number' ? lfsSize : sibling.size;
  if (typeof size !== 'number') {
    throw new DownloadError(url, `no size for ${name} (the metadata must come from ?blobs=true)`);
  }
  const sha256 = sibling.lfs?.sha256;
  return {
    path: name,
    size,
    sha256: typeof sha256 === 'string' ? sha256.toLowerCase() : undefined,
    gitSha1:
      typeof sibling.blobId === 'string' && sha256 === undefined ? sibling.blobId.toLowerCase() : undefined,
  };
}
