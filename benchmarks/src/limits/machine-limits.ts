import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { MachineProbeError } from './machine-probe-error.ts';

/** The two limits a share is measured against, taken by the C++ harness in the benchmark's own run. */
export interface MachineLimits {
  /** Stream-read bandwidth of a buffer far larger than the caches, 1e9 bytes/s. */
  readBandwidthGBs: number;
  /** Independent int8 multiply-add chains in registers, 1e9 multiply-adds/s. */
  int8PeakGMACs: number;
  /** The instruction the peak was measured with, e.g. "vpdpbusd zmm, AVX-512 VNNI". */
  int8Instruction: string;
  /** Independent f32 FMA chains in registers, 1e9 multiply-adds/s: the arithmetic of float weights. */
  fmaPeakGMACs: number;
  /** e.g. "vfmadd231ps zmm, AVX-512F". */
  fmaInstruction: string;
}

/** Built beside the addon by `pnpm --filter @x/candle-native build`; XC_HARNESS points elsewhere. */
export const harnessPath = (): string =>
  process.env.XC_HARNESS ??
  path.resolve(
    path.dirname(fileURLToPath(import.meta.url)),
    '../../../packages/candle-native/build/Release/xcandle-harness',
  );

/** `read bandwidth <GB/s> GB/s` → GB/s. */
export function parseReadBandwidth(output: string): number {
  const match = /^read bandwidth (\d+(?:\.\d+)?) GB\/s$/.exec(output.trim());
  const value = match ? Number(match[1]) : Number.NaN;
  if (!(value > 0))
    throw new MachineProbeError('membw', `expected "read bandwidth <GB/s> GB/s", got "${output.trim()}"`);
  return value;
}

/** `<label> <GMAC/s> GMAC/s (<instruction>)` → the number and the instruction. */
function parsePeak(probe: string, label: string, output: string): { gmacs: number; instruction: string } {
  const match = /^(.+) (\d+(?:\.\d+)?) GMAC\/s \((.+)\)$/.exec(output.trim());
  const gmacs = match?.[1] === label ? Number(match[2]) : Number.NaN;
  if (!match || !(gmacs > 0))
    throw new MachineProbeError(
      probe,
      `expected "${label} <GMAC/s> GMAC/s (<instruction>)", got "${output.trim()}"`,
    );
  return { gmacs, instruction: match[3]! };
}

/** `int8 peak <GMAC/s> GMAC/s (<instruction>)` → the number and the instruction. */
export const parseInt8Peak = (output: string) => parsePeak('int8peak', 'int8 peak', output);

/** `f32 FMA peak <GMAC/s> GMAC/s (<instruction>)` → the number and the instruction. */
export const parseFmaPeak = (output: string) => parsePeak('fmapeak', 'f32 FMA peak', output);

function probe(harness: string, name: string, threads: number): string {
  if (!existsSync(harness))
    throw new MachineProbeError(name, `${harness} not found (pnpm --filter @x/candle-native build makes it)`);
  try {
    return execFileSync(harness, [name, '--threads', `${threads}`], { encoding: 'utf8' });
  } catch (cause) {
    throw new MachineProbeError(name, `failed: ${(cause as Error).message}`, { cause });
  }
}

/** Runs the three probes with the benchmark's thread count (a second or two each). */
export function measureMachineLimits(threads: number, harness = harnessPath()): MachineLimits {
  const readBandwidthGBs = parseReadBandwidth(probe(harness, 'membw', threads));
  const int8 = parseInt8Peak(probe(harness, 'int8peak', threads));
  const fma = parseFmaPeak(probe(harness, 'fmapeak', threads));
  return {
    readBandwidthGBs,
    int8PeakGMACs: int8.gmacs,
    int8Instruction: int8.instruction,
    fmaPeakGMACs: fma.gmacs,
    fmaInstruction: fma.instruction,
  };
}
