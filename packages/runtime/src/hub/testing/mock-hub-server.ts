import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How the mock hub misbehaves for one file. */
export type MockHubFault =
  /** The server holds only the first half of the bytes the metadata lists. */
  | 'truncate'
  /** One byte in the middle is flipped; the size is right, the hash is not. */
  | 'corrupt'
  /** The first GET sends half the body and drops the connection; later ones are whole. */
  | 'interrupt-once';

export interface MockHubOptions {
  /** `owner/name` → repository path → a local file to serve (or its bytes). */
  repos: Record<string, Record<string, string | Uint8Array>>;
  /** `owner/name/path` → fault. */
  faults?: Record<string, MockHubFault>;
  /** Files at least this big are LFS files (sha256 in the metadata, served by a redirect); default 1024. */
  lfsThreshold?: number;
}

export interface MockHubRequest {
  method: string;
  path: string;
  range: string | undefined;
}

export interface MockHub {
  /** e.g. http://127.0.0.1:40123; pass it as HF_ENDPOINT or `endpoint`. */
  endpoint: string;
  requests: MockHubRequest[];
  close(): Promise<void>;
}

interface Entry {
  bytes: Uint8Array;
  lfs: boolean;
  fault: MockHubFault | undefined;
  interrupted: boolean;
}

/**
 * A local HTTP server on 127.0.0.1 that answers the Hugging Face hub's routes that `resolveModel`
 * uses: `/api/models/<repo>/revision/<rev>?blobs=true` and `/<repo>/resolve/<rev>/<path>` (LFS files
 * redirect to `/lfs/…`, as the hub sends them to its CDN), with Range requests and injected faults.
 */
export async function startMockHub(options: MockHubOptions): Promise<MockHub> {
  const threshold = options.lfsThreshold ?? 1024;
  const repos = new Map<string, Map<string, Entry>>();
  for (const [repo, files] of Object.entries(options.repos)) {
    const entries = new Map<string, Entry>();
    for (const [name, source] of Object.entries(files)) {
      const bytes = typeof source === 'string' ? new Uint8Array(await readFile(source)) : source;
      const fault = options.faults?.[`${repo}/${name}`];
      entries.set(name, { bytes, lfs: bytes.byteLength >= threshold, fault, interrupted: false });
    }
    repos.set(repo, entries);
  }
  const requests: MockHubRequest[] = [];
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push({ method: request.method ?? 'GET', path: url.pathname, range: request.headers.range });
    route(repos, url, request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function route(
  repos: Map<string, Map<string, Entry>>,
  url: URL,
  request: IncomingMessage,
  response: ServerResponse,
) {
  const api = /^\/api\/models\/([^/]+\/[^/]+)\/revision\/([^/]+)$/.exec(url.pathname);
  if (api) {
    const files = repos.get(decodeURIComponent(api[1]!));
    if (!files || decodeURIComponent(api[2]!) !== 'main') return notFound(response, 'RepoNotFound');
    const siblings = [...files].map(([name, entry]) => sibling(name, entry));
    response.writeHead(200, { 'content-type': 'application/json' });
    return response.end(JSON.stringify({ id: api[1], sha: 'f'.repeat(40), siblings }));
  }
  const file = /^\/(lfs|[^/]+)\/([^/]+)\/(?:resolve\/main\/)?(.+)$/.exec(url.pathname);
  const lfs = file?.[1] === 'lfs';
  const repo = lfs ? file?.[2]?.replace('--', '/') : `${file?.[1]}/${file?.[2]}`;
  const entry = file && repo ? repos.get(repo)?.get(decodeURIComponent(file[3]!)) : undefined;
  if (!file || !entry || (!lfs && !url.pathname.includes('/resolve/main/'))) {
    return notFound(response, 'EntryNotFound');
  }
  if (entry.lfs && !lfs) {
    response.writeHead(302, { location: `/lfs/${repo!.replace('/', '--')}/${file[3]}` });
    return response.end();
  }
  serveBytes(entry, request, response);
}

function sibling(name: string, entry: Entry) {
  const size = entry.bytes.byteLength;
  if (entry.lfs) {
    const sha256 = createHash('sha256').update(entry.bytes).digest('hex');
    return { rfilename: name, size, blobId: 'b'.repeat(40), lfs: { sha256, size, pointerSize: 134 } };
  }
  const blobId = createHash('sha1').update(`blob ${size}\0`).update(entry.bytes).digest('hex');
  return { rfilename: name, size, blobId };
}

function served(entry: Entry): Uint8Array {
  if (entry.fault === 'truncate') return entry.bytes.subarray(0, entry.bytes.byteLength >> 1);
  if (entry.fault === 'corrupt') {
    const copy = new Uint8Array(entry.bytes);
    copy[copy.byteLength >> 1]! ^= 0xff;
    return copy;
  }
  return entry.bytes;
}

function serveBytes(entry: Entry, request: IncomingMessage, response: ServerResponse) {
  const bytes = served(entry);
  const range = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const start = range ? Number(range[1]) : 0;
  if (start >= bytes.byteLength && bytes.byteLength > 0) {
    response.writeHead(416, { 'content-range': `bytes */${bytes.byteLength}` });
    return response.end();
  }
  const body = bytes.subarray(start);
  const headers = {
    'content-length': String(body.byteLength),
    'accept-ranges': 'bytes',
    ...(range ? { 'content-range': `bytes ${start}-${bytes.byteLength - 1}/${bytes.byteLength}` } : {}),
  };
  response.writeHead(range ? 206 : 200, headers);
  if (request.method === 'HEAD') return response.end();
  if (entry.fault === 'interrupt-once' && !entry.interrupted) {
    entry.interrupted = true;
    response.write(body.subarray(0, body.byteLength >> 1), () => response.socket?.destroy());
    return;
  }
  response.end(body);
}

function notFound(response: ServerResponse, code: string) {
  response.writeHead(404, { 'x-error-code': code, 'content-type': 'application/json' });
  response.end(JSON.stringify({ error: code }));
}
