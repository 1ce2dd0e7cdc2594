import { caseName, engineCases } from './engine-cases.ts';

export interface BenchArgs {
  runs: number;
  threads: number;
  prompt: number;
  gen: number;
  /** Comma-separated case names or parts of names; '' for every case. */
  cases: string;
  json: boolean;
  help: boolean;
}

const numbers = { runs: 3, threads: 2, prompt: 512, gen: 64 } as const;

export const benchHelp = `usage: pnpm bench [options]

Our native engine (x candle-native) against llama.cpp (node-llama-cpp) on synthetic GGUFs with real
shapes and random weights (made on first use in benchmarks/models/), same threads, alternating runs,
each in a fresh process. Writes benchmarks/results/latest.md and latest.json, and keeps each run in
benchmarks/results/history/ (plotted by the playground's /bench page and pnpm --filter @x/benchmarks plots).
First measures the machine's read bandwidth and int8 peak with the same threads (xcandle-harness membw and
int8peak, from pnpm --filter @x/candle-native build) and shows each row's share of them.

cases (--cases picks by full name or by any part of one, e.g. --cases Q4_K or --cases smollm2):
${engineCases.map((c) => `  ${caseName(c)}`).join('\n')}

options:
  --cases <list>    comma-separated cases (default: all)
  --runs <n>        runs per engine and case; the table shows median (min–max) (default ${numbers.runs})
  --threads <n>     threads for both engines (default ${numbers.threads})
  --prompt <n>      prompt tokens for prefill and TTFT (default ${numbers.prompt})
  --gen <n>         tokens generated for decode speed (default ${numbers.gen})
  --json            print the results as JSON on stdout instead of the Markdown table
  --optimizer       run the optimiser benchmark instead (BootstrapFewShotWithRandomSearch, batched
                    vs one call at a time; see docs/benchmarks.md)
  -h, --help        this help (starts no run)`;

/** `pnpm bench` options; throws an Error naming the bad option (a typo must not start a long run). */
export function parseBenchArgs(argv: string[]): BenchArgs {
  const args: BenchArgs = { ...numbers, cases: '', json: false, help: false };
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === '--help' || arg === '-h') args.help = true;
    else if (arg === '--json') args.json = true;
    else if (arg === '--cases') args.cases = optionValue(argv, ++index, arg);
    else if (arg.slice(2) in numbers && arg.startsWith('--')) {
      const value = optionValue(argv, ++index, arg);
      const number = Number(value);
      if (!Number.isInteger(number) || number < 1)
        throw new Error(`${arg} must be a positive integer, got "${value}"`);
      args[arg.slice(2) as keyof typeof numbers] = number;
    } else throw new Error(`unknown option ${arg} (see pnpm bench --help)`);
  }
  if (args.cases && pickCases(args.cases).length === 0) {
    throw new Error(`--cases "${args.cases}" matches no case (see pnpm bench --help)`);
  }
  return args;
}

function optionValue(argv: string[], index: number, flag: string): string {
  const value = argv[index];
  if (value === undefined) throw new Error(`${flag} needs a value`);
  return value;
}

/** A full case name picks that case alone; any other text picks every case whose name contains it. */
export function pickCases(only: string) {
  const picks = (name: string) => (c: (typeof engineCases)[number]) =>
    engineCases.some((other) => caseName(other) === name) ? caseName(c) === name : caseName(c).includes(name);
  return engineCases.filter((c) => !only || only.split(',').some((name) => picks(name.trim())(c)));
}
