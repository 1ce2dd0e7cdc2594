import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startsWithGGUFMagic } from './starts-with-gguf-magic.js';

describe('startsWithGGUFMagic', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'gguf-magic-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('tells GGUF files from others, short ones included', async () => {
    const write = async (name: string, text: string) => {
      const file = path.join(dir, name);
      await writeFile(file, text, 'latin1');
      return file;
    };
    expect(await startsWithGGUFMagic(await write('a.gguf', 'GGUF\x03\x00\x00\x00'))).toBe(true);
    expect(await startsWithGGUFMagic(await write('b.json', '{"a": 1}'))).toBe(false);
    expect(await startsWithGGUFMagic(await write('c', 'GG'))).toBe(false);
  });

  it('rejects a missing file', async () => {
    await expect(startsWithGGUFMagic(path.join(dir, 'missing'))).rejects.toThrow();
  });
});
