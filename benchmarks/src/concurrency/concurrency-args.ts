import { MODEL_SHAPES } from '@x/runtime';

export interface ConcurrencyArgs {
  threads: number;
  gen: number;
  rounds: number;
  streams: number[];
  shapes: string[];
  type: string;
  /** Run node-llama-cpp (one context of N sequences) beside ours. */
  peer: boolean;
  /** Prompt lookup on (the LM's default) or off (the engine's batching alone). */
  lookup: boolean;
  /**
   * warm: every stream's prompt is completed once before the runs, so each stream count starts with
   * the same prefix cache; cold: each call's prompt starts with its round, so no call reuses another's
   * prefix and every call prefills its whole prompt.
   */
  prompts: 'warm' | 'cold';
  /** Print where each stream count's rounds went: forward calls, JS outside them, CPU time. */
  trace: boolean;
  help: boolean;
}

const numbers = { threads: 2, gen: 64, rounds: 2 } as const;

export const concurrencyHelp = `usage: pnpm --filter @x/benchmarks bench:concurrency [options]

N calls made at once (each its own prompt, greedy, --gen new tokens): aggregate tok/s and p50/p99
call latency, on our native engine through lm.complete (the scheduler batches the calls) and on
node-llama-cpp with one context of N sequences, in one process, alternating per stream count.

options:
  --streams <list>   concurrent calls (default 1,2,4,8,16)
  --shape <list>     model shapes (default smollm2-135m,qwen2.5-0.5b; known: ${Object.keys(MODEL_SHAPES).join(', ')})
  --type <name>      weight type of the synthetic GGUFs (default Q8_0)
  --threads <n>      threads for both engines (default ${numbers.threads})
  --gen <n>          new tokens per call (default ${numbers.gen})
  --rounds <n>       rounds per stream count (default ${numbers.rounds})
  --peer <name>      llama.cpp (default) or none
  --lookup <on|off>  prompt lookup in our runs (default on)
  --prompts <warm|cold>
                     warm: every prompt completed once before the runs, so each stream count finds
                     the same prefix cache; cold: no call shares a prefix with another (default warm)
  --trace <on|off>   after each of our rows, the forward calls it made (prompt-carrying and
                     decode-only, rows, ms), the wall time outside them, and CPU time with tokens per
                     CPU-second against one stream's; then the engine's own decode steps of each
                     stream count's rows at the calls' context, called directly (default off)
  -h, --help         this help (starts no run)`;

/** Parses the options; throws an Error naming the bad one (a typo must not start a long run). */
export function parseConcurrencyArgs(argv: string[]): ConcurrencyArgs {
  const args: ConcurrencyArgs = {
    ...numbers,
    streams: [1, 2, 4, 8, 16],
    shapes: ['smollm2-135m', 'qwen2.5-0.5b'],
    type: 'Q8_0',
    peer: true,
    lookup: true,
    prompts: 'warm',
    trace: false,
    help: false,
  };
  const positive = (flag: string, value: string): number => {
    const number = Number(value);
    if (!Number.isInteger(number) || number < 1)
      throw new Error(`${flag} must be a positive integer, got "${value}"`);
    return number;
  };
  for (let index = 0; index < argv.length; index++) {
    const flag = argv[index]!;
    if (flag === '--help' || flag === '-h') {
      args.help = true;
      continue;
    }
    const value = argv[++index];
    if (value === undefined || value.startsWith('--')) throw new Error(`${flag} needs a value`);
    const name = flag.slice(2);
    if (flag.startsWith('--') && name in numbers) args[name as keyof typeof numbers] = positive(flag, value);
    else if (flag === '--streams') args.streams = value.split(',').map((v) => positive(flag, v));
    else if (flag === '--shape') {
      args.shapes = value.split(',');
      const unknown = args.shapes.filter((shape) => !(shape in MODEL_SHAPES));
      if (unknown.length > 0) throw new Error(`unknown shape "${unknown.join(', ')}"`);
    } else if (flag === '--type') args.type = value;
    else if (flag === '--peer') {
      if (value !== 'llama.cpp' && value !== 'none')
        throw new Error(`--peer must be llama.cpp or none, got "${value}"`);
      args.peer = value === 'llama.cpp';
    } else if (flag === '--lookup') {
      if (value !== 'on' && value !== 'off') throw new Error(`--lookup must be on or off, got "${value}"`);
      args.lookup = value === 'on';
    } else if (flag === '--prompts') {
      if (value !== 'warm' && value !== 'cold')
        throw new Error(`--prompts must be warm or cold, got "${value}"`);
      args.prompts = value;
    } else if (flag === '--trace') {
      if (value !== 'on' && value !== 'off') throw new Error(`--trace must be on or off, got "${value}"`);
      args.trace = value === 'on';
    } else throw new Error(`unknown option ${flag} (see --help)`);
  }
  return args;
}
