export interface OptimizerArgs {
  threads: number;
  train: number;
  dev: number;
  candidates: number;
  concurrency: number;
  /** maxBootstrappedDemos (DSPy's default 4). */
  bootstrapped: number;
  /** maxLabeledDemos (DSPy's default 16). */
  labeled: number;
  /** Which of the two runs to make: both (''), only the batched one, or only the serial one. */
  only: '' | 'batched' | 'serial';
  /** ggml type of the synthetic weights. */
  type: string;
  /** Count each run's forward calls (prompt chunks, decode rows, time inside the engine) and print them. */
  trace: boolean;
  help: boolean;
}

const numbers = {
  threads: 2,
  train: 50,
  dev: 50,
  candidates: 3,
  concurrency: 8,
  bootstrapped: 4,
  labeled: 16,
} as const;

export const optimizerHelp = `usage: pnpm bench --optimizer [options]   (or pnpm --filter @x/benchmarks bench:optimizer)

BootstrapFewShotWithRandomSearch on word-problem sums with a synthetic llama (Llama-2 vocabulary) on
the native engine, run twice with the same seed: batched through the local scheduler (concurrent
calls, prefix cache, LM call cache) and one call at a time with both caches off. Prints the
wall-clock ratio and checks that both runs return the same program.

options:
  --threads <n>       engine threads (default ${numbers.threads})
  --train <n>         training examples (default ${numbers.train})
  --dev <n>           dev examples (default ${numbers.dev})
  --candidates <n>    random-search candidates (default ${numbers.candidates})
  --concurrency <n>   calls in flight in the batched run (default ${numbers.concurrency})
  --bootstrapped <n>  maxBootstrappedDemos (default ${numbers.bootstrapped}, DSPy's)
  --labeled <n>       maxLabeledDemos (default ${numbers.labeled}, DSPy's; 4 gives the fifth session's runs)
  --only <run>        batched or serial: make only that run
  --type <name>       weight type of the synthetic GGUF (default Q4_K)
  --trace             also print each run's forward calls: prompt chunks, decode rows, ms in the engine
  -h, --help          this help (starts no run)`;

/** Parses the options (`--optimizer` itself is skipped); throws an Error naming the bad one. */
export function parseOptimizerArgs(argv: string[]): OptimizerArgs {
  const args: OptimizerArgs = { ...numbers, only: '', type: 'Q4_K', trace: false, help: false };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--optimizer') continue;
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    if (flag === '--trace') {
      args.trace = true;
      continue;
    }
    const value = argv[++index];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    const name = flag.slice(2);
    if (flag.startsWith('--') && name in numbers) {
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1)
        throw new Error(`${flag} must be a positive integer, got "${value}"`);
      args[name as keyof typeof numbers] = number;
    } else if (flag === '--only') {
      if (value !== 'batched' && value !== 'serial')
        throw new Error(`--only must be batched or serial, got "${value}"`);
      args.only = value;
    } else if (flag === '--type') args.type = value;
    else throw new Error(`unknown option ${flag} (see pnpm bench --optimizer --help)`);
  }
  return args;
}
