import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  harnessPath,
  measureMachineLimits,
  parseFmaPeak,
  parseInt8Peak,
  parseReadBandwidth,
} from './machine-limits.ts';
import { MachineProbeError } from './machine-probe-error.ts';

describe('the machine probes of pnpm bench', () => {
  it('reads the one line each probe prints', () => {
    expect(parseReadBandwidth('read bandwidth 52.3 GB/s\n')).toBe(52.3);
    expect(parseInt8Peak('int8 peak 381.0 GMAC/s (vpdpbusd zmm, AVX-512 VNNI)\n')).toEqual({
      gmacs: 381,
      instruction: 'vpdpbusd zmm, AVX-512 VNNI',
    });
    expect(parseFmaPeak('f32 FMA peak 117.3 GMAC/s (vfmadd231ps zmm, AVX-512F)\n')).toEqual({
      gmacs: 117.3,
      instruction: 'vfmadd231ps zmm, AVX-512F',
    });
  });

  it('rejects anything else with a typed error that quotes it', () => {
    expect(() => parseReadBandwidth('read bandwidth 0.0 GB/s')).toThrow(MachineProbeError);
    expect(() => parseReadBandwidth('read bandwidth 52 GB/s\nextra')).toThrow(/got "read bandwidth 52 GB\/s/);
    expect(() => parseInt8Peak('int8 peak 380 GMAC/s')).toThrow(MachineProbeError);
    expect(() => parseFmaPeak('int8 peak 380.0 GMAC/s (vpdpbusd zmm)')).toThrow(/expected "f32 FMA peak/);
    const error = (() => {
      try {
        parseInt8Peak('');
      } catch (caught) {
        return caught;
      }
    })();
    expect(MachineProbeError.isInstance(error) && error.probe).toBe('int8peak');
  });

  it('names the build command when the harness is missing', () => {
    expect(() => measureMachineLimits(1, '/nonexistent/xcandle-harness')).toThrow(
      /pnpm --filter @x\/candle-native build/,
    );
  });

  it('wraps a probe that fails', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'probe-'));
    const fake = path.join(dir, 'xcandle-harness');
    writeFileSync(fake, '#!/bin/sh\necho "int8peak: this CPU has neither" >&2\nexit 1\n', { mode: 0o755 });
    expect(() => measureMachineLimits(1, fake)).toThrow(MachineProbeError);
  });

  // The built harness, measured for real: missing is a failure, never a skip.
  it('measures positive limits with the built harness', () => {
    expect(existsSync(harnessPath()), `${harnessPath()} must exist`).toBe(true);
    const limits = measureMachineLimits(1);
    expect(limits.readBandwidthGBs).toBeGreaterThan(0.1);
    expect(limits.int8PeakGMACs).toBeGreaterThan(0.1);
    expect(limits.int8Instruction).toMatch(/vpdpbusd|vpmaddubsw/);
    expect(limits.fmaPeakGMACs).toBeGreaterThan(0.1);
    expect(limits.fmaInstruction).toMatch(/vfmadd231ps/);
  }, 60_000);
});
