import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sharedModelsDir } from '../gguf/shared-models-dir.js';
import { ChecksumError } from './checksum-error.js';
import { DownloadError } from './download-error.js';
import { HubReferenceError } from './hub-reference-error.js';
import { NotCachedError } from './not-cached-error.js';
import { resolveModel } from './resolve-model.js';
import { type MockHub, type MockHubOptions, startMockHub } from './testing/mock-hub-server.js';

const gguf = path.join(sharedModelsDir, 'stories260K.gguf');
const onnxFolder = path.join(sharedModelsDir, 'ort-genai-tiny-random-LlamaForCausalLM-fp16');
const onnxFiles = [
  'genai_config.json',
  'model.onnx',
  'model.onnx.data',
  'special_tokens_map.json',
  'tokenizer.json',
  'tokenizer_config.json',
];

let cacheDir: string;
let hub: MockHub | undefined;

beforeEach(async () => {
  cacheDir = await mkdtemp(path.join(os.tmpdir(), 'x-hub-'));
});

afterEach(async () => {
  await hub?.close();
  hub = undefined;
  await rm(cacheDir, { recursive: true, force: true });
});

async function serve(options: Partial<MockHubOptions> = {}): Promise<MockHub> {
  hub = await startMockHub({
    repos: {
      'karpathy/stories': { 'stories260K.gguf': gguf, 'README.md': new TextEncoder().encode('# stories\n') },
      'x/tiny-onnx': {
        ...Object.fromEntries(onnxFiles.map((name) => [name, path.join(onnxFolder, name)])),
        'onnx/model_q4.onnx': new Uint8Array(4096),
      },
      'evil/repo': { '../../escape.gguf': new Uint8Array(16) },
    },
    ...options,
  });
  return hub;
}

const options = () => ({ endpoint: hub!.endpoint, cacheDir, onProgress: false as const });
const downloads = () => hub!.requests.filter((request) => request.path.startsWith('/lfs/'));

describe('resolveModel', () => {
  it('returns a path unchanged', async () => {
    expect(await resolveModel('/some/model.gguf')).toBe('/some/model.gguf');
  });

  it('downloads a GGUF by name, checks it, and then serves it from the cache', async () => {
    await serve();
    const local = await resolveModel('hf:karpathy/stories/stories260K.gguf', options());
    expect(local).toBe(path.join(cacheDir, 'karpathy--stories', 'main', 'stories260K.gguf'));
    expect(Buffer.compare(await readFile(local), await readFile(gguf))).toBe(0);
    const before = hub!.requests.length;
    expect(await resolveModel('hf:karpathy/stories/stories260K.gguf', options())).toBe(local);
    expect(hub!.requests.length).toBe(before);
    expect(await readdir(path.dirname(local))).toEqual(['stories260K.gguf']);
  });

  it('checks small git files against their blob id', async () => {
    await serve();
    const local = await resolveModel('hf:karpathy/stories/README.md', options());
    expect(await readFile(local, 'utf8')).toBe('# stories\n');
  });

  it('fetches an ONNX folder: configs, tokenizer, one graph and its data, not the other variants', async () => {
    await serve();
    const folder = await resolveModel('hf:x/tiny-onnx', options());
    expect(folder).toBe(path.join(cacheDir, 'x--tiny-onnx', 'main'));
    const names = (await readdir(folder)).filter((name) => !name.startsWith('.')).sort();
    expect(names).toEqual(onnxFiles);
    const data = await stat(path.join(folder, 'model.onnx.data'));
    expect(data.size).toBe((await stat(path.join(onnxFolder, 'model.onnx.data'))).size);
    await hub!.close();
    hub = undefined;
    expect(await resolveModel('hf:x/tiny-onnx', { cacheDir, offline: true })).toBe(folder);
  });

  it('fetches a named graph with the folder it needs', async () => {
    await serve();
    const graph = await resolveModel('hf:x/tiny-onnx/onnx/model_q4.onnx', options());
    expect(graph).toBe(path.join(cacheDir, 'x--tiny-onnx', 'main', 'onnx', 'model_q4.onnx'));
    const names = (await readdir(path.dirname(path.dirname(graph)))).filter((name) => !name.startsWith('.'));
    expect(names.sort()).toEqual([
      'genai_config.json',
      'onnx',
      'special_tokens_map.json',
      'tokenizer.json',
      'tokenizer_config.json',
    ]);
  });

  it('works offline from the cache only, and says so when the model is missing', async () => {
    await serve();
    await expect(
      resolveModel('hf:karpathy/stories/stories260K.gguf', { cacheDir, offline: true }),
    ).rejects.toThrow(NotCachedError);
    expect(hub!.requests).toHaveLength(0);
    const local = await resolveModel('hf:karpathy/stories/stories260K.gguf', options());
    await hub!.close();
    hub = undefined;
    expect(await resolveModel('hf:karpathy/stories/stories260K.gguf', { cacheDir, offline: true })).toBe(
      local,
    );
  });

  it('rejects a truncated file and leaves nothing under the final name', async () => {
    await serve({ faults: { 'karpathy/stories/stories260K.gguf': 'truncate' } });
    const error = await resolveModel('hf:karpathy/stories/stories260K.gguf', options()).catch(
      (e: unknown) => e,
    );
    expect(DownloadError.isInstance(error)).toBe(true);
    expect(await readdir(path.join(cacheDir, 'karpathy--stories', 'main'))).toEqual([]);
  });

  it('rejects a corrupted file by its sha256 and deletes the partial bytes', async () => {
    await serve({ faults: { 'karpathy/stories/stories260K.gguf': 'corrupt' } });
    const error = await resolveModel('hf:karpathy/stories/stories260K.gguf', options()).catch(
      (e: unknown) => e,
    );
    expect(ChecksumError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ algorithm: 'sha256' });
    expect(await readdir(path.join(cacheDir, 'karpathy--stories', 'main'))).toEqual([]);
  });

  it('resumes an interrupted download with a Range request', async () => {
    await serve({ faults: { 'karpathy/stories/stories260K.gguf': 'interrupt-once' } });
    const local = await resolveModel('hf:karpathy/stories/stories260K.gguf', options());
    expect(Buffer.compare(await readFile(local), await readFile(gguf))).toBe(0);
    const ranges = downloads().map((request) => request.range);
    expect(ranges).toHaveLength(2);
    expect(ranges[0]).toBeUndefined();
    expect(ranges[1]).toMatch(/^bytes=[1-9]\d*-$/);
  });

  it('keeps the partial file of a failed run so that the next run resumes it', async () => {
    await serve({ faults: { 'karpathy/stories/stories260K.gguf': 'interrupt-once' } });
    const reference = 'hf:karpathy/stories/stories260K.gguf';
    await expect(resolveModel(reference, { ...options(), attempts: 1 })).rejects.toThrow(
      /connection dropped/,
    );
    const partial = path.join(cacheDir, 'karpathy--stories', 'main', 'stories260K.gguf.part');
    const kept = (await stat(partial)).size;
    expect(kept).toBeGreaterThan(0);
    const progress: number[] = [];
    const local = await resolveModel(reference, {
      ...options(),
      onProgress: (p) => progress.push(p.resumed),
    });
    expect(downloads().at(-1)?.range).toBe(`bytes=${kept}-`);
    expect(progress.every((resumed) => resumed === kept)).toBe(true);
    expect(Buffer.compare(await readFile(local), await readFile(gguf))).toBe(0);
  });

  it('refuses metadata that would write outside the cache', async () => {
    await serve();
    await expect(resolveModel('hf:evil/repo', options())).rejects.toThrow(HubReferenceError);
  });

  it('reports an unknown repository or file as a typed error', async () => {
    await serve();
    await expect(resolveModel('hf:nobody/nothing/x.gguf', options())).rejects.toMatchObject({
      code: 'X_DOWNLOAD',
      status: 404,
    });
    await expect(resolveModel('hf:karpathy/stories/missing.gguf', options())).rejects.toThrow(
      HubReferenceError,
    );
  });
});
