import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { ModelFormatError, UnsupportedError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { makeTempDir, storiesPath } from './support/paths.js';

const directory = makeTempDir('bad-files');
const stories = readFileSync(storiesPath);

function writeCopy(name: string, bytes: Uint8Array): string {
  const file = path.join(directory, name);
  writeFileSync(file, bytes);
  return file;
}

describe('loading bad model files', () => {
  it('rejects a missing file with ModelFormatError naming the path', async () => {
    const missing = path.join(directory, 'does-not-exist.gguf');
    const error = await loadEngine(missing).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).path).toBe(missing);
  });

  const cuts = [0, 3, 24, 200, 4000, Math.floor(stories.length / 2), stories.length - 1];
  it.each(cuts)('rejects stories260K truncated to %i bytes with ModelFormatError', async (size) => {
    const file = writeCopy(`truncated-${size}.gguf`, stories.subarray(0, size));
    const error = await loadEngine(file).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFormatError);
    expect((error as ModelFormatError).path).toBe(file);
  });

  it('rejects random bytes with ModelFormatError', async () => {
    let state = 12345;
    const garbage = Uint8Array.from({ length: 65536 }, () => {
      state = (state * 1103515245 + 12345) >>> 0;
      return state >>> 24;
    });
    const error = await loadEngine(writeCopy('garbage.gguf', garbage)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelFormatError);
  });

  it('rejects a GGUF header with absurd counts without allocating them', async () => {
    const header = new DataView(new ArrayBuffer(4096));
    header.setUint32(0, 0x46554747, true);
    header.setUint32(4, 3, true);
    header.setBigUint64(8, 2n ** 62n, true); // tensor count
    header.setBigUint64(16, 2n ** 62n, true); // metadata count
    const error = await loadEngine(writeCopy('absurd.gguf', new Uint8Array(header.buffer))).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(ModelFormatError);
  });

  it('rejects a device it cannot run on with UnsupportedError, and a malformed one with RangeError', async () => {
    // cuda-device.test.ts checks which reason the message gives
    const cuda = await loadEngine(storiesPath, { device: 'cuda:0' }).catch((caught: unknown) => caught);
    expect(cuda).toBeInstanceOf(UnsupportedError);
    await expect(loadEngine(storiesPath, { device: 'tpu:7' })).rejects.toThrow(RangeError);
  });

  it('still loads and runs the intact model afterwards', async () => {
    const engine = await loadEngine(storiesPath, { threads: 1, contextLength: 32 });
    const seq = engine.createSequence();
    const [logits] = await engine.forward([{ seq, tokens: Int32Array.of(1, 403), logitsFor: 'last' }]);
    expect(logits?.length).toBe(engine.info.vocabSize);
    await engine.dispose();
  });
});
