import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { WeightDType } from '@x/onnx';
import type { GGMLType } from '@x/runtime';

/** GGUF type → how the ONNX export stores it, for every ONNX benchmark. */
export const ONNX_BENCH_CONFIGS: Array<{
  type: keyof typeof GGMLType;
  dtype: WeightDType;
  contribOps: boolean;
}> = [
  { type: 'F16', dtype: 'f32', contribOps: false },
  { type: 'Q8_0', dtype: 'gguf', contribOps: true },
];

/** Where the benchmarks keep their GGUF → ONNX conversions. */
export const onnxCacheDir = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../models/onnx-cache',
);
