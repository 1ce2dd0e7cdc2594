export interface RunArgs {
  model: string;
  threads: number;
  prompt: number;
  gen: number;
}

export interface RunResult {
  /** Model load (and for us the weight re-lay) plus context creation. */
  loadMs: number;
  ttftMs: number;
  prefillTokensPerSecond: number;
  decodeTokensPerSecond: number;
  maxRssMb: number;
}

export function parseRunArgs(argv: string[]): RunArgs {
  const value = (flag: string, fallback?: string): string => {
    const index = argv.indexOf(flag);
    const found = index >= 0 ? argv[index + 1] : fallback;
    if (found === undefined) throw new Error(`missing ${flag}`);
    return found;
  };
  return {
    model: value('--model'),
    threads: Number(value('--threads', '2')),
    prompt: Number(value('--prompt', '512')),
    gen: Number(value('--gen', '64')),
  };
}

/** The same pseudo-random prompt for every engine: BOS then ids drawn from the vocabulary. */
export function promptTokens(count: number, bos: number, vocabSize: number): number[] {
  const tokens = [bos];
  let state = 12345;
  while (tokens.length < count) {
    state = (state * 1103515245 + 12345) % 2147483648;
    tokens.push(300 + (state % Math.max(1, Math.min(vocabSize, 30000) - 300)));
  }
  return tokens;
}
