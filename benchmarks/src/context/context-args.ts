import { MODEL_SHAPES } from '@x/runtime';

export const CONTEXT_ENGINES = ['x candle-native', 'x onnx', 'llama.cpp'] as const;
export type ContextEngine = (typeof CONTEXT_ENGINES)[number];

export interface ContextArgs {
  /** Prompt lengths, in tokens: the context each first token and each decode step attends over. */
  lengths: number[];
  shapes: string[];
  /** ggml type of the synthetic weights. */
  type: string;
  engines: ContextEngine[];
  runs: number;
  threads: number;
  gen: number;
  help: boolean;
}

const DEFAULTS: ContextArgs = {
  lengths: [128, 512, 2048, 8192],
  shapes: ['smollm2-135m'],
  type: 'Q8_0',
  engines: [...CONTEXT_ENGINES],
  runs: 3,
  threads: 2,
  gen: 32,
  help: false,
};

export const contextHelp = `usage: pnpm --filter @x/benchmarks bench:context [options]

Time to first token and decode tok/s at several context lengths: a prompt of each length, then
--gen greedy tokens, for our native engine, our ONNX engine (the GGUF converted once, int8 MatMulNBits
+ GroupQueryAttention) and llama.cpp (node-llama-cpp), each run in a fresh process, engines taking
turns run by run. Models are synthetic GGUFs with real shapes and random weights, written on first
use to benchmarks/models/ with a trained context that holds the longest prompt. Ratios are against
llama.cpp in the same run. Writes benchmarks/results/context-latest.md and context-latest.json.

options:
  --lengths <list>  prompt lengths in tokens (default ${DEFAULTS.lengths.join(',')})
  --shapes <list>   model shapes (default ${DEFAULTS.shapes.join(',')}; known: ${Object.keys(MODEL_SHAPES).join(', ')})
  --type <name>     weight type of the synthetic GGUFs (default ${DEFAULTS.type})
  --engines <list>  any of ${CONTEXT_ENGINES.map((e) => `"${e}"`).join(', ')} (default all; llama.cpp is always run, for the ratios)
  --runs <n>        runs per engine and length; the table shows medians (default ${DEFAULTS.runs})
  --threads <n>     threads for every engine (default ${DEFAULTS.threads})
  --gen <n>         tokens generated per run, for decode tok/s (default ${DEFAULTS.gen})
  -h, --help        this help (starts no run)`;

/** Parses the options; throws an Error naming the bad one (a typo must not start a long run). */
export function parseContextArgs(argv: string[]): ContextArgs {
  const args: ContextArgs = { ...DEFAULTS, lengths: [...DEFAULTS.lengths], engines: [...DEFAULTS.engines] };
  const positive = (flag: string, value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1)
      throw new Error(`${flag} must be a positive integer, got "${value}"`);
    return number;
  };
  const list = (value: string) =>
    value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    const value = argv[++index];
    if (!flag.startsWith('--') || !(flag.slice(2) in DEFAULTS) || flag === '--help')
      throw new Error(`unknown option ${flag} (see --help)`);
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--lengths') args.lengths = list(value).map((v) => positive(flag, v));
    else if (flag === '--shapes') {
      args.shapes = list(value);
      const unknown = args.shapes.filter((s) => !(s in MODEL_SHAPES));
      if (unknown.length > 0 || args.shapes.length === 0)
        throw new Error(`unknown shape "${unknown.join(', ')}"`);
    } else if (flag === '--engines') {
      const engines = list(value);
      const unknown = engines.filter((e) => !(CONTEXT_ENGINES as readonly string[]).includes(e));
      if (unknown.length > 0) throw new Error(`unknown engine "${unknown.join(', ')}"`);
      args.engines = CONTEXT_ENGINES.filter((e) => e === 'llama.cpp' || engines.includes(e));
    } else if (flag === '--type') args.type = value;
    else args[flag.slice(2) as 'runs' | 'threads' | 'gen'] = positive(flag, value);
  }
  if (args.lengths.length === 0) throw new Error('--lengths needs at least one length');
  return args;
}
