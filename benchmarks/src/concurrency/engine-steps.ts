import type { Engine, SequenceId } from '@x/runtime';
import { spread } from '../median.ts';

/** One batch size's decode steps: the median wall ms of a step and the process CPU ms a step. */
export interface EngineStepTiming {
  rows: number;
  medianMs: number;
  cpuMs: number;
  /** The mean wall ms (the statistic the trace's "ms each" is) and, where the engine tells, its own mean ms. */
  meanMs?: number;
  engineMs?: number;
}

/** How the last forward ran, where the engine tells (NativeEngine.lastForwardTiming). */
type TimedEngine = Engine & { lastForwardTiming?: () => { engineMs: number } | undefined };

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
  const own = rowCounts.map(() => 0);
  const timing = (engine as TimedEngine).lastForwardTiming?.bind(engine);
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
          own[i]! += timing?.()?.engineMs ?? 0;
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
    meanMs: mean(walls[i]!),
    ...(timing === undefined ? {} : { engineMs: own[i]! / walls[i]!.length }),
  }));
}

const mean = (values: readonly number[]) =>
  values.reduce((sum, v) => sum + v, 0) / Math.max(1, values.length);

/**
 * `rows`-row greedy decode steps with the JS thread busy for each of `gapsUs` microseconds before every
 * call (the scheduler's work between steps), the gaps taking turns step by step: the engine's own mean
 * ms a step after each gap. Tells whether the time the engine's threads wait between calls (they spin a
 * while, then sleep) changes what the next step costs. Needs an engine that tells its own time.
 */
export async function measureGapSteps(
  engine: Engine,
  rows: number,
  gapsUs: readonly number[],
  options: EngineStepOptions,
): Promise<Array<{ gapUs: number; engineMs: number; meanMs: number }>> {
  const timing = (engine as TimedEngine).lastForwardTiming?.bind(engine);
  if (engine.forwardArgmax === undefined || timing === undefined)
    throw new Error('measureGapSteps needs an engine with forwardArgmax and lastForwardTiming');
  const forwardArgmax = engine.forwardArgmax.bind(engine);
  const prompt = Int32Array.from({ length: options.context }, (_, i) => 100 + ((i * 37) % 500));
  const own = gapsUs.map(() => 0);
  const walls = gapsUs.map(() => 0);
  let steps = 0;
  for (let round = 0; round < options.rounds; round++) {
    const sets = gapsUs.map(() => Array.from({ length: rows }, () => engine.createSequence()));
    try {
      const next = await Promise.all(
        sets.map(async (seqs) =>
          (await forwardArgmax(seqs.map((seq) => ({ seq, tokens: prompt, logitsFor: 'last' })))).map(
            (ids) => ids[0]!,
          ),
        ),
      );
      for (let step = 0; step < options.steps; step++, steps++) {
        for (const [i, seqs] of sets.entries()) {
          const busyUntil = performance.now() + gapsUs[i]! / 1000;
          while (performance.now() < busyUntil);
          const started = performance.now();
          const ids = await forwardArgmax(step1(seqs, next[i]!));
          walls[i]! += performance.now() - started;
          own[i]! += timing()?.engineMs ?? 0;
          next[i] = ids.map((row) => row[0]!);
        }
      }
    } finally {
      for (const seqs of sets) for (const seq of seqs) engine.release(seq);
    }
  }
  return gapsUs.map((gapUs, i) => ({
    gapUs,
    engineMs: own[i]! / Math.max(1, steps),
    meanMs: walls[i]! / Math.max(1, steps),
  }));
}

/** One line: the engine's own ms a step after each JS gap. */
export function formatGapSteps(
  label: string,
  rows: number,
  timings: ReadonlyArray<{ gapUs: number; engineMs: number; meanMs: number }>,
): string {
  const parts = timings.map(
    (t) => `${t.gapUs} µs: engine ${t.engineMs.toFixed(2)} ms (call ${t.meanMs.toFixed(2)})`,
  );
  return `  ${label}, ${rows} rows after a busy JS gap of ${parts.join(' | ')}`;
}

const step1 = (seqs: SequenceId[], tokens: number[]) =>
  seqs.map((seq, i) => ({ seq, tokens: Int32Array.of(tokens[i]!), logitsFor: 'last' as const }));

/** One line: each size's step against one row's (the first entry), by median wall time and by CPU time. */
export function formatEngineSteps(label: string, timings: readonly EngineStepTiming[]): string {
  const one = timings[0]!;
  const parts = timings.map(
    (t) =>
      `${t.rows} rows ${t.medianMs.toFixed(2)} ms (CPU ${t.cpuMs.toFixed(2)}` +
      (t.meanMs === undefined ? '' : `; mean ${t.meanMs.toFixed(2)}`) +
      (t.engineMs === undefined ? '' : `, engine ${t.engineMs.toFixed(2)}`) +
      ')' +
      (t === one
        ? ''
        : `, ${((t.rows * one.medianMs) / t.medianMs).toFixed(2)}× one row's tok/s by wall, ${((t.rows * one.cpuMs) / t.cpuMs).toFixed(2)}× by CPU`),
  );
  return `  ${label}, engine alone: ${parts.join(' | ')}`;
}
