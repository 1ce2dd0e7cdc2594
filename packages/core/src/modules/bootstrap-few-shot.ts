import type { Demo } from '../adapters/adapter.js';
import { AbortError } from '../errors/abort-error.js';
import { UnsupportedError } from '../errors/unsupported-error.js';
import type { Metric } from '../evaluate/metric.js';
import type { GenerateOptions } from '../lm/lm.js';
import { type Example, pickFields } from './example.js';
import { LabeledFewShot } from './labeled-few-shot.js';
import type { Module, Predictor, TraceEntry } from './module.js';
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
    for (const [index, example] of trainset.entries()) {
      if (bootstrapped.size >= this.options.maxBootstrappedDemos) break;
      for (let round = 0; round < this.options.maxRounds; round++) {
        try {
          const demos = await this.runTeacher(teacherPredictors, teacher, example, inputKeys, round, signal);
          if (!demos) continue;
          for (const [name, demo] of demos) traces.get(name)?.push(demo);
          bootstrapped.add(index);
          break;
        } catch (error) {
          if (AbortError.isInstance(error) || ++errors >= this.options.maxErrors) throw error;
        }
      }
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

  /** One teacher run on `example`, its own demo hidden; the trace as named demos, or undefined on a miss. */
  private async runTeacher(
    predictors: Array<[string, Predictor]>,
    teacher: Module<Values, Values>,
    example: Example,
    inputKeys: readonly string[],
    round: number,
    signal: AbortSignal | undefined,
  ): Promise<Array<[string, Demo]> | undefined> {
    const saved = predictors.map(([, predictor]) => predictor.demos);
    for (const [, predictor] of predictors)
      predictor.demos = predictor.demos.filter((demo) => demo !== example);
    const trace: TraceEntry[] = [];
    try {
      const prediction = await teacher.forward(pickFields(example, inputKeys), {
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
    } finally {
      predictors.forEach(([, predictor], position) => {
        predictor.demos = saved[position] ?? [];
      });
    }
  }
}

function resetDemos<M extends Module<Values, Values>>(module: M): M {
  for (const [, predictor] of module.namedPredictors()) predictor.demos = [];
  return module;
}
