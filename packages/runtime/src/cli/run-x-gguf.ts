import { parseArgs } from 'node:util';
import { type ProgressStream, XError } from '@x/core';
import { MODEL_SHAPES } from '../gguf/synth/model-shapes.js';
import { synthesisProgressBar } from '../gguf/synth/synthesis-progress-bar.js';
import { synthesizeModel } from '../gguf/synth/synthesize-model.js';
import { parseWeightType, synthesizableTypeNames } from '../gguf/synth/weight-type.js';
import { describeGGUF } from './describe-gguf.js';

export interface CliIO {
  out: (line: string) => void;
  error: (line: string) => void;
  /** Where `synth` draws its progress bar (only on a TTY); none when absent. */
  progress?: ProgressStream;
}

const USAGE = `usage:
  x-gguf synth --shape <name> --type <type> -o <out.gguf> [--seed 1] [--std 0.02]
               [--tokenizer-from <gguf>] [--layers N] [--vocab N] [--context-length N]
  x-gguf info <file.gguf>
shapes: ${Object.keys(MODEL_SHAPES).join(', ')}
types: ${synthesizableTypeNames().join(', ')}`;

class UsageError extends Error {}

function integer(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const parsed = Number(value);
  if (!Number.isSafeInteger(parsed) || parsed <= 0)
    throw new UsageError(`${flag} must be a positive integer, got ${value}`);
  return parsed;
}

async function synth(args: string[], io: CliIO): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      shape: { type: 'string' },
      type: { type: 'string', default: 'Q8_0' },
      seed: { type: 'string', default: '1' },
      std: { type: 'string', default: '0.02' },
      'tokenizer-from': { type: 'string' },
      layers: { type: 'string' },
      vocab: { type: 'string' },
      'context-length': { type: 'string' },
      output: { type: 'string', short: 'o' },
    },
  });
  if (values.shape === undefined || values.output === undefined)
    throw new UsageError('synth needs --shape and -o');
  if (!Object.hasOwn(MODEL_SHAPES, values.shape)) throw new UsageError(`unknown shape ${values.shape}`);
  const type = parseWeightType(values.type);
  if (type === undefined) throw new UsageError(`unsupported type ${values.type}`);
  const std = Number(values.std);
  if (!(std >= 0)) throw new UsageError(`--std must be a non-negative number, got ${values.std}`);
  const seed = Number(values.seed);
  if (!Number.isSafeInteger(seed)) throw new UsageError(`--seed must be an integer, got ${values.seed}`);
  const started = performance.now();
  const model = await synthesizeModel({
    shape: values.shape,
    path: values.output,
    type,
    seed,
    std,
    tokenizer: values['tokenizer-from'],
    layers: integer(values.layers, '--layers'),
    vocab: integer(values.vocab, '--vocab'),
    contextLength: integer(values['context-length'], '--context-length'),
    onProgress: io.progress && synthesisProgressBar(values.output, io.progress),
  });
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  io.out(
    `wrote ${model.path}: ${model.shape.architecture}, ${model.shape.layers} layers, vocab ${model.vocab}, ` +
      `${(model.parameterCount / 1e6).toFixed(1)}M parameters, ${values.type}, in ${seconds} s`,
  );
}

/** Runs the x-gguf command line; resolves to the process exit code. */
export async function runXGguf(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    // --help or -h anywhere (`x-gguf synth --help`, `x-gguf info -h`) prints the usage and exits 0.
    if (command === undefined || command === 'help' || argv.includes('--help') || argv.includes('-h'))
      io.out(USAGE);
    else if (command === 'synth') await synth(rest, io);
    else if (command === 'info') {
      if (rest.length !== 1) throw new UsageError('info needs exactly one file');
      for (const line of await describeGGUF(rest[0] as string)) io.out(line);
    } else throw new UsageError(`unknown command ${command}`);
    return 0;
  } catch (error) {
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) {
      io.error(`x-gguf: ${error.message}\n${USAGE}`);
      return 2;
    }
    if (XError.isInstance(error) || error instanceof RangeError) {
      io.error(`x-gguf: ${(error as Error).message}`);
      return 1;
    }
    throw error;
  }
}
