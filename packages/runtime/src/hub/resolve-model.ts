import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { cachedFilePath, revisionFolder } from './cache-path.js';
import { type DownloadProgress, downloadFile } from './download-file.js';
import { withFileLock } from './file-lock.js';
import { type HubOptions, hubConfig } from './hub-config.js';
import { type HubReference, isHubReference, parseHubReference } from './hub-reference.js';
import { HubReferenceError } from './hub-reference-error.js';
import { NotCachedError } from './not-cached-error.js';
import { createProgressBar } from './progress-bar.js';
import { fetchRepoFiles, hubHeaders, type RepoFile } from './repo-files.js';
import { modelFolderOf, selectFolderFiles } from './select-folder-files.js';

export interface ResolveModelOptions extends HubOptions {
  /** Called as bytes arrive; default: a progress bar on stderr when it is a terminal. false: none. */
  onProgress?: ((progress: DownloadProgress) => void) | false;
  /** Requests per file, each resuming the last; default 3. */
  attempts?: number;
  signal?: AbortSignal;
}

/** Which files each folder or graph reference fetched, so that offline mode can check them all. */
const SELECTIONS_FILE = '.x-selections.json';

/**
 * A local path for a model location: a path is returned as given; `hf:owner/repo/file.gguf` is
 * downloaded into the cache (or found there) and its path returned. `hf:owner/repo[/folder]` and
 * `hf:owner/repo/…/model.onnx` fetch an ONNX model's graph, external data, configs and tokenizer, and
 * return the folder or graph path.
 */
export async function resolveModel(location: string, options: ResolveModelOptions = {}): Promise<string> {
  if (!isHubReference(location)) return location;
  const reference = parseHubReference(location);
  const config = hubConfig(options);
  const folder = revisionFolder(config.cacheDir, reference);
  const target = reference.path === undefined ? folder : cachedFilePath(folder, reference.path);
  const key = reference.path ?? '';
  const cached = await cachedSelection(folder, key, target);
  if (cached) return target;
  if (config.offline) throw new NotCachedError(location, config.cacheDir);

  const files = await fetchRepoFiles(config, reference, options.signal);
  const wanted = selection(location, reference, files);
  const onProgress = options.onProgress === false ? undefined : (options.onProgress ?? createProgressBar());
  for (const file of wanted) {
    await downloadOnce({
      url: `${config.endpoint}/${reference.repo}/resolve/${encodeURIComponent(reference.revision)}/${file.path}`,
      destination: cachedFilePath(folder, file.path),
      file,
      headers: hubHeaders(config),
      attempts: options.attempts,
      signal: options.signal,
      onProgress,
    });
  }
  if (wanted.length > 1 || reference.path === undefined) {
    await recordSelection(
      folder,
      key,
      wanted.map((file) => file.path),
    );
  }
  return target;
}

function selection(location: string, reference: HubReference, files: RepoFile[]): RepoFile[] {
  const exact = files.find((file) => file.path === reference.path);
  if (exact !== undefined && !exact.path.endsWith('.onnx')) return [exact];
  if (exact !== undefined) {
    const modelFolder = modelFolderOf(exact.path);
    const graph = modelFolder === '' ? exact.path : exact.path.slice(modelFolder.length + 1);
    return selectFolderFiles(location, files, modelFolder, graph);
  }
  const folder = reference.path ?? '';
  if (folder !== '' && !files.some((file) => file.path.startsWith(`${folder}/`))) {
    throw new HubReferenceError(location, `${reference.repo}@${reference.revision} has no file "${folder}"`);
  }
  return selectFolderFiles(location, files, folder);
}

async function cachedSelection(folder: string, key: string, target: string): Promise<boolean> {
  const selections = await readSelections(folder);
  const files = selections[key];
  if (files === undefined) return isFile(target);
  for (const file of files) if (!(await isFile(cachedFilePath(folder, file)))) return false;
  return true;
}

async function recordSelection(folder: string, key: string, files: string[]): Promise<void> {
  const selections = { ...(await readSelections(folder)), [key]: files };
  await writeFile(path.join(folder, SELECTIONS_FILE), `${JSON.stringify(selections, null, 2)}\n`);
}

async function readSelections(folder: string): Promise<Record<string, string[]>> {
  const text = await readFile(path.join(folder, SELECTIONS_FILE), 'utf8').catch(() => undefined);
  if (text === undefined) return {};
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null ? (value as Record<string, string[]>) : {};
  } catch {
    return {};
  }
}

async function isFile(file: string): Promise<boolean> {
  return (await stat(file).catch(() => undefined))?.isFile() ?? false;
}

// Two loads of one model share its download instead of writing one .part twice: in one process
// through this map, across processes through a lock file beside the download.
const inFlight = new Map<string, Promise<void>>();

function downloadOnce(options: Parameters<typeof downloadFile>[0]): Promise<void> {
  const running = inFlight.get(options.destination);
  if (running) return running;
  const locked = async () => {
    await mkdir(path.dirname(options.destination), { recursive: true });
    // downloadFile returns at once when the lock's last holder finished the file.
    await withFileLock(`${options.destination}.lock`, () => downloadFile(options), {
      signal: options.signal,
    });
  };
  const started = locked().finally(() => inFlight.delete(options.destination));
  inFlight.set(options.destination, started);
  return started;
}
