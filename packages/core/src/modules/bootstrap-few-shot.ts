import type { Demo } from '../adapters/adapter.js';
import { AbortError } from '../errors/abort-error.js';
import { UnsupportedError } from '../errors/unsupported-error.js';
import { mapConcurrent } from '../evaluate/map-concurrent.js';
import type { Metric } from '../evaluate/metric.js';
import type { GenerateOptions } from '../lm/lm.js';
import { type Example, pickFields } from './example.js';
import { LabeledFewShot } from './labeled-few-shot.js';
import type { Module, TraceEntry } from './module.js';
import { sample, seededRandom, shuffled } from './seeded-random.js';

type Values = Record<string, unknown>;

export type { Metric } from '../evaluate/metric.js';

export interface BootstrapFewShotOptions {
  metric: Metric;
  /** Without it any truthy score is a success. */
  metricThreshold?: number;
  /** Demos made from successful teacher runs, per predictor. Default 4. */
  maxBootstrappedDemos?: number;
  /** Total demos per predictor, the rest filled with plain trainset examples. Default 16. */
  maxLabeledDemos?: number;
  /** Attempts per example; later rounds sample at temperature 0.7 + 0.001·round. Default 1. */
  maxRounds?: number;
  /** Teacher failures tolerated before compile fails with the last one. Default 10. */
  maxErrors?: number;
  /** Teacher runs in flight at once (local LMs batch them). The demos found do not depend on it. Default 1. */
  concurrency?: number;
  /** Generation options for the teacher's calls. */
  teacherOptions?: Omit<GenerateOptions, 'signal'>;
  seed?: number;
}

export interface BootstrapCompileOptions<M> {
  trainset: readonly Example[];
  /** Default: the student with LabeledFewShot(maxLabeledDemos) demos. Used as given otherwise. */
  teacher?: M;
  /** Which example keys are inputs; default `student.inputNames()`. */
  inputKeys?: readonly string[];
  signal?: AbortSignal;
}

/**
 * DSPy's BootstrapFewShot: runs a teacher over the trainset, keeps the traces of runs the metric
 * accepts as demos (inputs and outputs of every predictor step), and fills each of the student's
 * predictors with up to `maxBootstrappedDemos` of them plus plain examples up to `maxLabeledDemos`.
 */
export class BootstrapFewShot {
  private readonly options: Required<Omit<BootstrapFewShotOptions, 'metricThreshold'>> &
    Pick<BootstrapFewShotOptions, 'metricThreshold'>;

  constructor(options: BootstrapFewShotOptions) {
    this.options = {
      maxBootstrappedDemos: 4,
      maxLabeledDemos: 16,
      maxRounds: 1,
      maxErrors: 10,
      concurrency: 1,
      teacherOptions: {},
      seed: 0,
      ...options,
    };
  }

  async compile<M extends Module<Values, Values>>(
    student: M,
    compileOptions: BootstrapCompileOptions<M>,
  ): Promise<M> {
    const { trainset, signal } = compileOptions;
    const inputKeys = compileOptions.inputKeys ?? student.inputNames?.();
    if (!inputKeys) {
      throw new UnsupportedError(
        'bootstrap-input-keys',
        'pass inputKeys: the student does not name its inputs',
      );
    }
    const compiled = resetDemos(student.clone());
    const teacher =
      compileOptions.teacher?.clone() ??
      new LabeledFewShot({ k: this.options.maxLabeledDemos, seed: this.options.seed }).compile(
        resetDemos(student.clone()),
        trainset,
      );
    const studentNames = compiled.namedPredictors().map(([name]) => name);
    const teacherPredictors = teacher.namedPredictors();
    if (teacherPredictors.map(([name]) => name).join() !== studentNames.join()) {
      throw new UnsupportedError(
        'bootstrap-teacher',
        'the teacher must have the same predictors as the student',
      );
    }

    const traces = new Map<string, Demo[]>(studentNames.map((name) => [name, []]));
    const bootstrapped = new Set<number>();
    let errors = 0;
    const { concurrency, maxBootstrappedDemos } = this.options;
    // Examples run `concurrency` at a time but are taken in trainset order, so the demos (and the
    // errors counted) are those a one-at-a-time run finds; only a few surplus teacher calls differ.
    // The first example runs alone, so a local LM's prefix cache holds the teacher's demos before a
    // batch arrives; later windows hold twice the demos still missing, to waste few teacher calls.
    let start = 0;
    while (start < trainset.length && bootstrapped.size < maxBootstrappedDemos) {
      const missing = maxBootstrappedDemos - bootstrapped.size;
      const size = start === 0 ? 1 : Math.max(1, Math.min(concurrency, 2 * missing));
      const window = trainset.slice(start, start + size);
      const attempts = await mapConcurrent(
        window,
        concurrency,
        (example) => this.attempt(teacher, example, inputKeys, signal),
        signal,
      );
      for (const [offset, attempt] of attempts.entries()) {
        if (bootstrapped.size >= maxBootstrappedDemos) break;
        for (const error of attempt.errors) {
          if (++errors >= this.options.maxErrors) throw error;
        }
        if (!attempt.demos) continue;
        for (const [name, demo] of attempt.demos) traces.get(name)?.push(demo);
        bootstrapped.add(start + offset);
      }
      start += window.length;
    }

    const unused = shuffled(
      trainset.filter((_, index) => !bootstrapped.has(index)),
      seededRandom(this.options.seed),
    );
    for (const [name, predictor] of compiled.namedPredictors()) {
      const augmented = (traces.get(name) ?? []).slice(0, this.options.maxBootstrappedDemos);
      const room = this.options.maxLabeledDemos - augmented.length;
      predictor.demos = [...augmented, ...sample(unused, room, seededRandom(this.options.seed))];
    }
    return compiled;
  }

  /** Up to `maxRounds` teacher runs on `example`: the demos of the first the metric accepts, and the errors before it. */
  private async attempt(
    teacher: Module<Values, Values>,
    example: Example,
    inputKeys: readonly string[],
    signal: AbortSignal | undefined,
  ): Promise<{ demos: Array<[string, Demo]> | undefined; errors: unknown[] }> {
    const errors: unknown[] = [];
    for (let round = 0; round < this.options.maxRounds; round++) {
      try {
        const demos = await this.runTeacher(teacher, example, inputKeys, round, signal);
        if (demos) return { demos, errors };
      } catch (error) {
        if (AbortError.isInstance(error)) throw error;
        errors.push(error);
      }
    }
    return { demos: undefined, errors };
  }

  /** One teacher run on `example` (a copy of the teacher, its own demo hidden); the trace as named demos, or undefined on a miss. */
  private async runTeacher(
    teacher: Module<Values, Values>,
    example: Example,
    inputKeys: readonly string[],
    round: number,
    signal: AbortSignal | undefined,
  ): Promise<Array<[string, Demo]> | undefined> {
    const copy = teacher.clone();
    const predictors = copy.namedPredictors();
    for (const [, predictor] of predictors)
      predictor.demos = predictor.demos.filter((demo) => demo !== example);
    const trace: TraceEntry[] = [];
    const prediction = await copy.forward(pickFields(example, inputKeys), {
      ...this.options.teacherOptions,
      ...(round > 0 ? { temperature: 0.7 + 0.001 * round } : {}),
      trace,
      signal,
    });
    const score = await this.options.metric(example, prediction, trace);
    const threshold = this.options.metricThreshold;
    const success = threshold === undefined ? Boolean(score) : Number(score) >= threshold;
    if (!success) return undefined;
    return trace.flatMap((step): Array<[string, Demo]> => {
      const name = predictors.find(([, predictor]) => predictor === step.predictor)?.[0];
      return name === undefined ? [] : [[name, { ...step.inputs, ...step.outputs }]];
    });
  }
}

function resetDemos<M extends Module<Values, Values>>(module: M): M {
  for (const [, predictor] of module.namedPredictors()) predictor.demos = [];
  return module;
}
