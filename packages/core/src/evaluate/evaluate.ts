import { AbortError } from '../errors/abort-error.js';
import type { Example } from '../modules/example.js';
import { pickFields } from '../modules/example.js';
import type { ForwardOptions, Module } from '../modules/module.js';
import { ProgressBar, type ProgressStream } from '../progress/progress-bar.js';
import { defaultConcurrency } from './default-concurrency.js';
import { defaultWarmup } from './default-warmup.js';
import { formatResultTable } from './format-result-table.js';
import { mapConcurrent } from './map-concurrent.js';
import { type Metric, scoreValue } from './metric.js';
import { type EvaluationRow, resultRecords } from './result-rows.js';
import { TooManyErrorsError } from './too-many-errors-error.js';
import { WarmupGate } from './warmup-gate.js';
import { writeTextFile } from './write-text-file.js';

type Values = Record<string, unknown>;
type Program = Pick<Module<Values, Values>, 'forward' | 'inputNames'> &
  Partial<Pick<Module<Values, Values>, 'namedPredictors'>>;

export interface EvaluateOptions {
  devset: readonly Example[];
  metric: Metric;
  /**
   * Calls in flight at once. Default: the LMs' `preferredConcurrency` (a local LM's scheduler batch
   * size), else 8, a polite bound for a remote server (see `defaultConcurrency`).
   */
  concurrency?: number;
  /**
   * Examples run alone before the rest start, so the LM's prefix cache (a local LM's, or a server's)
   * holds the prompt prefix every example shares (instructions + demos). Default 1 when
   * `concurrency` > 1, except 0 for local LMs, whose scheduler shares that prefix among calls made
   * together (see `defaultWarmup`). The results do not depend on it.
   */
  warmup?: number;
  /** Draw a progress bar with the running score. Default true; it only appears on a TTY. */
  displayProgress?: boolean;
  /** Where the bar goes. Default `process.stderr`. */
  progressStream?: ProgressStream;
  /** Score of an example whose call or metric threw. Default 0. */
  failureScore?: number;
  /** Stop with a TooManyErrorsError once this many examples fail. Default: never, errors are only counted. */
  maxErrors?: number;
  /** Which example keys are the program's inputs. Default `program.inputNames()`, else every key. */
  inputKeys?: readonly string[];
  /** Write the result records (see `EvaluationResult.records`) to this JSON file. */
  saveAsJson?: string;
}

export interface EvaluateCallOptions extends Partial<EvaluateOptions> {
  signal?: AbortSignal;
  /** Options for every program call (an LM, generation options). */
  forwardOptions?: Omit<ForwardOptions, 'signal' | 'trace'>;
}

/** What an evaluation found. `score` is a percentage rounded to 2 decimals, as DSPy's. */
export class EvaluationResult {
  readonly score: number;
  readonly rows: readonly EvaluationRow[];
  readonly metricName: string;

  constructor(rows: readonly EvaluationRow[], metricName: string) {
    this.rows = rows;
    this.metricName = metricName;
    this.score = rows.length === 0 ? 0 : round2((100 * this.scoreSum) / rows.length);
  }

  get scoreSum(): number {
    return this.rows.reduce((sum, row) => sum + row.score, 0);
  }

  /** Examples whose call or metric threw. */
  get errors(): number {
    return this.rows.filter((row) => row.error !== undefined).length;
  }

  /** Example and prediction fields merged, plus the score under the metric's name (DSPy's JSON). */
  records(): Values[] {
    return resultRecords(this.rows, this.metricName);
  }

  /** A plain-text table of the records, at most `maxRows` of them. */
  table(maxRows?: number): string {
    return formatResultTable(this.records(), maxRows);
  }

  toJSON(): { score: number; errors: number; results: Values[] } {
    return { score: this.score, errors: this.errors, results: this.records() };
  }
}

/**
 * DSPy's Evaluate: runs a program over a dev set, scores each prediction with the metric and
 * averages. Results keep the dev set's order whatever the concurrency; a failing example scores
 * `failureScore` and is counted, not thrown. Only the signal (AbortError) or `maxErrors` stop it.
 */
export class Evaluate {
  readonly options: EvaluateOptions;

  constructor(options: EvaluateOptions) {
    this.options = options;
  }

  async run(program: Program, callOptions: EvaluateCallOptions = {}): Promise<EvaluationResult> {
    const { signal, forwardOptions, ...overrides } = callOptions;
    const options = { ...this.options, ...overrides };
    const { devset, metric } = options;
    const concurrency = options.concurrency ?? defaultConcurrency(program, forwardOptions?.lm);
    const progress = progressOf(options, devset.length);
    const evaluateOne = exampleEvaluator(program, options, callOptions, progress.add);
    try {
      const warmup = options.warmup ?? defaultWarmup(program, forwardOptions?.lm, concurrency);
      const rows = await mapConcurrent(devset, concurrency, evaluateOne, signal, warmup);
      const result = new EvaluationResult(rows, metric.name || 'metric');
      if (options.saveAsJson) await writeTextFile(options.saveAsJson, JSON.stringify(result.records()));
      return result;
    } finally {
      progress.finish();
    }
  }

  /**
   * Evaluates each of `programs` as `run` would, one after another (the same rows and scores, in
   * order), but as one stream of calls with at most `concurrency` in flight across all: the next
   * program's first calls fill the batch while the previous one's last calls finish. Each
   * program's first `warmup` examples still run alone before its others start, and `maxErrors`
   * counts each program's errors. The bar counts every program's examples; `saveAsJson` is `run`'s.
   */
  async runMany(
    programs: readonly Program[],
    callOptions: EvaluateCallOptions = {},
  ): Promise<EvaluationResult[]> {
    const { signal, forwardOptions, ...overrides } = callOptions;
    const options = { ...this.options, ...overrides };
    if (options.saveAsJson !== undefined)
      throw new RangeError('runMany writes no JSON file: pass saveAsJson to run, one program at a time');
    if (programs.length === 0) return [];
    const { devset, metric } = options;
    const concurrency =
      options.concurrency ??
      Math.min(...programs.map((program) => defaultConcurrency(program, forwardOptions?.lm)));
    const progress = progressOf(options, programs.length * devset.length);
    const evaluators = programs.map((program) =>
      exampleEvaluator(program, options, callOptions, progress.add),
    );
    const gates = programs.map(
      (program) => new WarmupGate(options.warmup ?? defaultWarmup(program, forwardOptions?.lm, concurrency)),
    );
    const items = programs.flatMap((_, p) => devset.map((example, i) => ({ p, i, example })));
    try {
      const rows = await mapConcurrent(
        items,
        concurrency,
        ({ p, i, example }) => gates[p]!.run(i, () => evaluators[p]!(example)),
        signal,
      );
      return programs.map(
        (_, p) =>
          new EvaluationResult(
            rows.slice(p * devset.length, (p + 1) * devset.length),
            metric.name || 'metric',
          ),
      );
    } finally {
      progress.finish();
    }
  }
}

/** The progress bar of one evaluation (none when displayProgress is false), fed row by row. */
function progressOf(options: EvaluateOptions, total: number) {
  const bar = new ProgressBar({ stream: options.displayProgress === false ? null : options.progressStream });
  let done = 0;
  let scoreSum = 0;
  bar.update({ done, total, label: scoreLabel(done, scoreSum) });
  return {
    add(row: EvaluationRow): void {
      done += 1;
      scoreSum += row.score;
      bar.update({ done, total, label: scoreLabel(done, scoreSum) });
    },
    finish: () => bar.finish(),
  };
}

/**
 * Scores one example with `program`: a failing call or metric gives a `failureScore` row, counted
 * towards `maxErrors` (for this program); only the signal's AbortError and TooManyErrorsError throw.
 */
function exampleEvaluator(
  program: Program,
  options: EvaluateOptions,
  { signal, forwardOptions }: Pick<EvaluateCallOptions, 'signal' | 'forwardOptions'>,
  onRow: (row: EvaluationRow) => void,
): (example: Example) => Promise<EvaluationRow> {
  const { metric, failureScore = 0, maxErrors } = options;
  const inputKeys = options.inputKeys ?? program.inputNames?.();
  let errors = 0;
  return async (example) => {
    let row: EvaluationRow;
    try {
      const inputs = inputKeys ? pickFields(example, inputKeys) : { ...example };
      const prediction = await program.forward(inputs, { ...forwardOptions, signal });
      row = { example, prediction, score: scoreValue(await metric(example, prediction, undefined)) };
    } catch (error) {
      if (AbortError.isInstance(error) && signal?.aborted) throw error;
      row = { example, prediction: undefined, score: failureScore, error };
      if (maxErrors !== undefined && ++errors >= maxErrors) {
        throw new TooManyErrorsError(errors, maxErrors, { cause: error });
      }
    }
    onRow(row);
    return row;
  };
}

/** Evaluates `program` once: `new Evaluate(options).run(program, …)`. */
export function evaluate(
  program: Program,
  options: EvaluateOptions & Pick<EvaluateCallOptions, 'signal' | 'forwardOptions'>,
): Promise<EvaluationResult> {
  const { signal, forwardOptions, ...rest } = options;
  return new Evaluate(rest).run(program, { signal, forwardOptions });
}

function round2(value: number): number {
  return Math.round(value * 100) / 100;
}

/** DSPy's tqdm description: `Average Metric: 3.00 / 4 (75.0%)`. */
function scoreLabel(done: number, scoreSum: number): string {
  const percent = done === 0 ? 0 : (100 * scoreSum) / done;
  return `Average Metric: ${scoreSum.toFixed(2)} / ${done} (${percent.toFixed(1)}%)`;
}
