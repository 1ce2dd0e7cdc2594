import type { ProgressStream } from '@x/core';
import { exportHfFolder } from '../export/export-hf-folder.js';
import { conversionProgressBar } from '../gguf-to-onnx/conversion-progress-bar.js';
import { runCacheCommand } from './run-cache-command.js';

const USAGE = `usage: x-onnx export <model.gguf> <out-folder> [--dtype f32|f16] [--max-positions N] [--external-data]
       x-onnx cache list|clear [--cache-dir DIR]

export writes config.json, tokenizer.json, tokenizer_config.json and onnx/model.onnx (HF / transformers.js layout).
cache lists or removes the GGUF conversions loadLM keeps (default $X_CACHE_DIR/onnx or ~/.cache/x/onnx).`;

/** The x-onnx command line; returns the exit code. */
export async function runXOnnx(
  argv: string[],
  out: (line: string) => void = console.log,
  progress: ProgressStream = process.stderr,
): Promise<number> {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    out(USAGE);
    return 0;
  }
  if (argv[0] === 'cache') {
    const code = await runCacheCommand(argv.slice(1), out);
    if (code === 2) out(USAGE);
    return code;
  }
  const [command, gguf, folder, ...rest] = argv;
  if (command !== 'export' || gguf === undefined || folder === undefined) {
    out(USAGE);
    return 2;
  }
  const flag = (name: string) => {
    const index = rest.indexOf(name);
    return index >= 0 ? rest[index + 1] : undefined;
  };
  const dtype = flag('--dtype') ?? 'f32';
  if (dtype !== 'f32' && dtype !== 'f16') {
    out(`--dtype must be f32 or f16, got ${dtype}`);
    return 2;
  }
  const maxPositions = flag('--max-positions');
  if (maxPositions !== undefined && !(Number.isInteger(Number(maxPositions)) && Number(maxPositions) > 0)) {
    out(`--max-positions must be a positive integer, got ${maxPositions}`);
    return 2;
  }
  const started = performance.now();
  const converted = await exportHfFolder(gguf, folder, {
    dtype,
    maxPositions: maxPositions === undefined ? undefined : Number(maxPositions),
    externalData: rest.includes('--external-data') ? true : undefined,
    onProgress: conversionProgressBar(gguf, progress),
  });
  const { spec } = converted;
  out(
    `wrote ${converted.onnxPath} (${spec.architecture}, ${spec.layers} layers, vocab ${spec.vocab}) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
  );
  return 0;
}
