// One measurement of our ONNX engine in this process (the GGUF converted once and cached: int8
// MatMulNBits + GroupQueryAttention); prints a JSON RunResult.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cachedConversion, loadOnnxEngine } from '@x/onnx';
import { measureEngine } from './measure-engine.ts';
import { parseRunArgs } from './run-args.ts';

export const ONNX_CACHE_DIR = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../models/onnx-cache',
);
export const ONNX_CONVERSION = { cacheDir: ONNX_CACHE_DIR, dtype: 'gguf', contribOps: true } as const;

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = parseRunArgs(process.argv.slice(2));
  const folder = await cachedConversion(args.model, ONNX_CONVERSION);
  const loadStart = performance.now();
  const engine = await loadOnnxEngine(folder, {
    threads: args.threads,
    contextLength: args.prompt + args.gen + 16,
  });
  const loadMs = performance.now() - loadStart;
  console.log(JSON.stringify(await measureEngine(engine, args, loadMs)));
  await engine.dispose();
}
