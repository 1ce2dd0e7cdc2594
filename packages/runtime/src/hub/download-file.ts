import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, open, rename, stat, truncate, unlink } from 'node:fs/promises';
import path from 'node:path';
import { AbortError } from '@x/core';
import { ChecksumError } from './checksum-error.js';
import { DownloadError } from './download-error.js';
import type { RepoFile } from './repo-files.js';

export interface DownloadProgress {
  /** The repository path of the file. */
  file: string;
  /** Bytes on disk so far, resumed bytes included. */
  received: number;
  total: number;
  /** Bytes that were already on disk when this download started (resumed, not fetched now). */
  resumed: number;
}

export interface DownloadFileOptions {
  url: string;
  destination: string;
  file: RepoFile;
  headers?: Record<string, string>;
  /** Requests to try, each resuming where the last one stopped; default 3. */
  attempts?: number;
  signal?: AbortSignal;
  onProgress?: (progress: DownloadProgress) => void;
}

/** The suffix of a download in progress; it is kept on failure so that the next try resumes. */
export const PARTIAL_SUFFIX = '.part';

/**
 * Downloads `url` to `destination`: bytes go to `destination.part` (resumed with an HTTP Range
 * request when it exists), are checked against the size and hash from the hub's metadata, and the
 * file is renamed into place only once they match, so a file under its final name is always whole.
 */
export async function downloadFile(options: DownloadFileOptions): Promise<void> {
  const { url, destination, file, signal } = options;
  if (await exists(destination)) return;
  await mkdir(path.dirname(destination), { recursive: true });
  const partial = destination + PARTIAL_SUFFIX;
  const attempts = Math.max(1, options.attempts ?? 3);
  const resumed = await sizeOf(partial);
  let lastError: unknown;
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (signal?.aborted) throw new AbortError();
    let offset = await sizeOf(partial);
    if (offset > file.size) {
      await truncate(partial, 0);
      offset = 0;
    }
    let hash = await startHash(file, partial, offset);
    if (offset < file.size) {
      try {
        hash = await fetchInto({ ...options, partial, offset, hash, resumed });
      } catch (error) {
        if (!isRetryable(error) || attempt + 1 === attempts) throw error;
        lastError = error;
        continue;
      }
    }
    const received = await sizeOf(partial);
    if (received < file.size) {
      lastError = new DownloadError(url, `the body ended after ${received} of ${file.size} bytes`);
      continue;
    }
    await verify(url, file, partial, hash, received);
    await rename(partial, destination);
    return;
  }
  throw lastError;
}

interface FetchState extends DownloadFileOptions {
  partial: string;
  offset: number;
  hash: Hash | undefined;
  resumed: number;
}

/** Appends the response to the partial file; returns the hash of every byte in it. */
async function fetchInto(state: FetchState): Promise<Hash | undefined> {
  const { url, file, partial, hash, signal } = state;
  let offset = state.offset;
  const headers = { ...state.headers, ...(offset > 0 ? { range: `bytes=${offset}-` } : {}) };
  let response: Response;
  try {
    response = await fetch(url, { headers, signal });
  } catch (cause) {
    if (signal?.aborted) throw new AbortError();
    throw new DownloadError(url, 'the server did not answer', { cause });
  }
  if (response.status === 416) {
    await unlink(partial).catch(() => undefined);
    throw new DownloadError(url, `the server has fewer bytes than the ${file.size} its metadata lists`, {
      status: 416,
    });
  }
  if (!response.ok || response.body === null) {
    throw new DownloadError(url, `HTTP ${response.status}`, { status: response.status });
  }
  // A server that ignores the Range header sends the whole file again: start over.
  const restart = offset > 0 && (response.status !== 206 || !rangeStartsAt(response, offset));
  if (restart) offset = 0;
  const fileHash = restart ? await startHash(file, partial, 0) : hash;
  const handle = await open(partial, offset === 0 ? 'w' : 'a');
  let received = offset;
  try {
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      received += chunk.byteLength;
      if (received > file.size) {
        throw new DownloadError(url, `the server sent more than the ${file.size} bytes its metadata lists`);
      }
      fileHash?.update(chunk);
      await handle.write(chunk);
      state.onProgress?.({ file: file.path, received, total: file.size, resumed: state.resumed });
    }
  } catch (cause) {
    if (signal?.aborted) throw new AbortError();
    if (DownloadError.isInstance(cause)) throw cause;
    throw new DownloadError(url, `the connection dropped after ${received} of ${file.size} bytes`, { cause });
  } finally {
    await handle.close();
  }
  return fileHash;
}

function rangeStartsAt(response: Response, offset: number): boolean {
  const range = response.headers.get('content-range');
  return range !== null && new RegExp(`^bytes ${offset}-`).test(range);
}

function isRetryable(error: unknown): boolean {
  if (!DownloadError.isInstance(error)) return false;
  return error.status === undefined || error.status >= 500 || error.status === 429;
}

async function startHash(file: RepoFile, partial: string, offset: number): Promise<Hash | undefined> {
  if (file.sha256 === undefined && file.gitSha1 === undefined) return undefined;
  const hash = file.sha256 !== undefined ? createHash('sha256') : createHash('sha1');
  if (file.sha256 === undefined) hash.update(`blob ${file.size}\0`);
  if (offset > 0) {
    for await (const chunk of createReadStream(partial, { start: 0, end: offset - 1 })) hash.update(chunk);
  }
  return hash;
}

async function verify(url: string, file: RepoFile, partial: string, hash: Hash | undefined, size: number) {
  if (size !== file.size) {
    await unlink(partial);
    throw new DownloadError(url, `got ${size} bytes, the metadata lists ${file.size}`);
  }
  if (hash === undefined) return;
  const got = hash.digest('hex');
  const expected = (file.sha256 ?? file.gitSha1)!;
  if (got !== expected) {
    await unlink(partial);
    throw new ChecksumError({ url, algorithm: file.sha256 ? 'sha256' : 'git-sha1', expected, got });
  }
}

async function sizeOf(file: string): Promise<number> {
  return (await stat(file).catch(() => undefined))?.size ?? 0;
}

async function exists(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}
