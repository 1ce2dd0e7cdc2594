import { existsSync } from 'node:fs';
import { UnsupportedError } from '@x/core';
import { describe, expect, it } from 'vitest';
import { loadEngine } from '../src/engine/load-engine.js';
import { loadNativeAddon } from '../src/native/native-binding.js';
import { NativeCode } from '../src/native/native-errors.js';
import { storiesPath } from './support/paths.js';

const buildInfo = loadNativeAddon().buildInfo();
const cudaBuilt = buildInfo.includes('cuda=on');
// A machine without the NVIDIA driver's device nodes has no GPU the addon could open.
const driverPresent = existsSync('/dev/nvidiactl');

async function loadError(device: string): Promise<unknown> {
  return loadEngine(storiesPath, { device, threads: 1 }).then(
    async (engine) => {
      await engine.dispose();
      return undefined;
    },
    (caught: unknown) => caught,
  );
}

function xcCodeOf(error: unknown): unknown {
  return ((error as Error).cause as { xcCode?: number } | undefined)?.xcCode;
}

describe("device: 'cuda'", () => {
  it('build info names the CUDA targets or says cuda=off', () => {
    expect(buildInfo).toMatch(/ cuda=(off|on \(sm_\d+a?( sm_\d+a?)*\))$/);
  });

  it('fails with a typed error that says which case this is, never falling back to the CPU', async () => {
    for (const device of ['cuda', 'cuda:0']) {
      const error = await loadError(device);
      expect(error).toBeInstanceOf(UnsupportedError);
      const message = (error as Error).message;
      if (!cudaBuilt) {
        expect(xcCodeOf(error)).toBe(NativeCode.noDevice);
        expect(message).toMatch(/built without CUDA/);
      } else if (!driverPresent) {
        expect(xcCodeOf(error)).toBe(NativeCode.noDevice);
        expect(message).toMatch(/no CUDA device: no NVIDIA driver/);
      } else {
        // a GPU machine: a usable GPU has no forward pass yet; else the probe says why not
        expect(message).toMatch(
          /no CUDA forward pass yet|no CUDA device|driver is too old|compute capability/,
        );
      }
      expect(message).toContain(`'${device === 'cuda' ? 'cuda:0' : device}'`);
    }
  });

  it('names the index it was given when no such device exists', async () => {
    const error = await loadError('cuda:4096');
    expect(error).toBeInstanceOf(UnsupportedError);
    expect(xcCodeOf(error)).toBe(NativeCode.noDevice);
    expect((error as Error).message).toContain("'cuda:4096'");
    if (cudaBuilt && driverPresent) expect((error as Error).message).toMatch(/index/);
  });

  it('rejects malformed device names as invalid arguments', async () => {
    for (const device of ['cuda:', 'cuda:x', 'cuda:-1', 'cuda:1234567', 'gpu']) {
      expect(await loadError(device)).toBeInstanceOf(RangeError);
    }
  });
});
