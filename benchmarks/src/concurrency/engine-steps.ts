import type { Engine, SequenceId } from '@x/runtime';
import { spread } from '../median.ts';

/** One batch size's decode steps: the median wall ms of a step and the process CPU ms a step. */
export interface EngineStepTiming {
  rows: number;
  medianMs: number;
  cpuMs: number;
}

export interface EngineStepOptions {
  /** Tokens each sequence holds before the first timed step (the benchmark's prompt length). */
  context: number;
  /** Timed steps per sequence set per round. */
  steps: number;
  rounds: number;
}

/**
 * Greedy decode steps of each batch size in `rowCounts`, called on the engine directly (no scheduler,
 * no sampling, no detokenising), at the context an `lm.complete` call of the benchmark decodes at. The
 * sets of sequences take turns step by step, so the machine's load falls on every size alike: the
 * ceiling the scheduler's rows ÷ 1 row can reach. Needs max(rowCounts) + … free sequences: every set
 * is held for the whole run.
 */
export async function measureEngineSteps(
  engine: Engine,
  rowCounts: readonly number[],
  options: EngineStepOptions,
): Promise<EngineStepTiming[]> {
  if (engine.forwardArgmax === undefined)
    throw new Error('measureEngineSteps needs an engine with forwardArgmax');
  const forwardArgmax = engine.forwardArgmax.bind(engine);
  const prompt = Int32Array.from({ length: options.context }, (_, i) => 100 + ((i * 37) % 500));
  const walls = rowCounts.map((): number[] => []);
  const cpus = rowCounts.map(() => 0);
  for (let round = 0; round < options.rounds; round++) {
    const sets = rowCounts.map((rows) => Array.from({ length: rows }, () => engine.createSequence()));
    try {
      const next = await Promise.all(
        sets.map(async (seqs) =>
          (await forwardArgmax(seqs.map((seq) => ({ seq, tokens: prompt, logitsFor: 'last' })))).map(
            (ids) => ids[0]!,
          ),
        ),
      );
      for (let step = 0; step < options.steps; step++) {
        for (const [i, seqs] of sets.entries()) {
          const started = performance.now();
          const cpu = process.cpuUsage();
          const ids = await forwardArgmax(step1(seqs, next[i]!));
          const used = process.cpuUsage(cpu);
          walls[i]!.push(performance.now() - started);
          cpus[i]! += (used.user + used.system) / 1000;
          next[i] = ids.map((row) => row[0]!);
        }
      }
    } finally {
      for (const seqs of sets) for (const seq of seqs) engine.release(seq);
    }
  }
  return rowCounts.map((rows, i) => ({
    rows,
    medianMs: spread(walls[i]!).median,
    cpuMs: cpus[i]! / walls[i]!.length,
  }));
}

const step1 = (seqs: SequenceId[], tokens: number[]) =>
  seqs.map((seq, i) => ({ seq, tokens: Int32Array.of(tokens[i]!), logitsFor: 'last' as const }));

/** One line: each size's step against one row's (the first entry), by median wall time and by CPU time. */
export function formatEngineSteps(label: string, timings: readonly EngineStepTiming[]): string {
  const one = timings[0]!;
  const parts = timings.map(
    (t) =>
      `${t.rows} rows ${t.medianMs.toFixed(2)} ms (CPU ${t.cpuMs.toFixed(2)})` +
      (t === one
        ? ''
        : `, ${((t.rows * one.medianMs) / t.medianMs).toFixed(2)}× one row's tok/s by wall, ${((t.rows * one.cpuMs) / t.cpuMs).toFixed(2)}× by CPU`),
  );
  return `  ${label}, engine alone: ${parts.join(' | ')}`;
}
