import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedFilePath, revisionFolder } from './cache-path.js';
import { hubConfig } from './hub-config.js';
import { parseHubReference } from './hub-reference.js';
import { HubReferenceError } from './hub-reference-error.js';

describe('parseHubReference', () => {
  it('reads a repository, a revision and a file path', () => {
    expect(parseHubReference('hf:owner/repo/sub/model.gguf')).toEqual({
      repo: 'owner/repo',
      revision: 'main',
      path: 'sub/model.gguf',
    });
    expect(parseHubReference('hf:owner/repo@v1.0')).toEqual({
      repo: 'owner/repo',
      revision: 'v1.0',
      path: undefined,
    });
    expect(parseHubReference('hf:owner/repo/onnx/')).toMatchObject({ path: 'onnx' });
  });

  it.each([
    'hf:owner',
    'hf:owner/',
    'hf:../repo/x.gguf',
    'hf:owner/..',
    'hf:owner/repo/../../etc/passwd',
    'hf:owner/repo/a//b.gguf',
    'hf:owner/repo/..\\x.gguf',
    'hf:owner/repo@../x',
    'hf:owner/repo/C:/x.gguf',
    'owner/repo/x.gguf',
  ])('rejects %s with a typed error', (reference) => {
    expect(() => parseHubReference(reference)).toThrow(HubReferenceError);
  });
});

describe('cache paths', () => {
  it('keeps every file inside its revision folder', () => {
    const folder = revisionFolder('/cache', { repo: 'a/b', revision: 'main' });
    expect(folder).toBe(path.join('/cache', 'a--b', 'main'));
    expect(cachedFilePath(folder, 'onnx/model.onnx')).toBe(path.join(folder, 'onnx', 'model.onnx'));
    expect(() => cachedFilePath(folder, '../main2/x')).toThrow(HubReferenceError);
    expect(() => cachedFilePath(folder, '/etc/passwd')).toThrow(HubReferenceError);
  });
});

describe('hubConfig', () => {
  it('takes the endpoint, cache folder, offline mode and token from the environment', () => {
    const config = hubConfig(
      {},
      { HF_ENDPOINT: 'http://127.0.0.1:9/', X_CACHE_DIR: '/tmp/x-cache', HF_HUB_OFFLINE: '1', HF_TOKEN: 't' },
    );
    expect(config).toEqual({
      endpoint: 'http://127.0.0.1:9',
      cacheDir: '/tmp/x-cache',
      offline: true,
      token: 't',
    });
  });

  it('prefers options over the environment and defaults to huggingface.co', () => {
    const config = hubConfig(
      { cacheDir: '/c', offline: false },
      { X_OFFLINE: 'true', XDG_CACHE_HOME: '/xdg' },
    );
    expect(config).toMatchObject({ endpoint: 'https://huggingface.co', cacheDir: '/c', offline: false });
    expect(hubConfig({}, { XDG_CACHE_HOME: '/xdg' }).cacheDir).toBe(path.join('/xdg', 'x', 'hub'));
  });
});
