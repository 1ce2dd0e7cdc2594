import { pythonJsonDumps } from '../adapters/python-json.js';
import { LMError } from '../errors/lm-error.js';
import type { LM } from '../lm/lm.js';
import type { BestOfNOptions, RewardFn } from './best-of-n.js';
import { HintAdapter } from './hint-adapter.js';
import type { ForwardOptions, Module, Predictor, TraceEntry } from './module.js';
import { inspectModules, offerFeedbackSignature } from './offer-feedback.js';
import { Predict } from './predict.js';
import type { Prediction } from './prediction.js';
import { runAttempts } from './run-attempts.js';

type Values = Record<string, unknown>;

export interface RefineOptions<I extends Values, O extends Values> extends BestOfNOptions<I, O> {
  /** The LM that writes the feedback. Default: the call's LM, else the first predictor's. */
  feedbackLM?: LM;
}

/**
 * DSPy 3.3.1's Refine: BestOfN's attempts, but after an attempt that scores under the threshold an
 * LM reads the program (its code, predictors, trajectory, outputs and the reward function's code)
 * through `OfferFeedback` and writes advice per predictor; the next attempt sees it as a `hint_`
 * input field. Returns the first prediction that reaches the threshold, else the best one.
 */
export class Refine<I extends Values = Values, O extends Values = Values> implements Module<I, O> {
  readonly module: Module<I, O>;
  readonly n: number;
  readonly rewardFn: RewardFn<I, O>;
  readonly threshold: number;
  readonly failCount: number;
  readonly feedbackLM: LM | undefined;

  constructor(module: Module<I, O>, options: RefineOptions<I, O>) {
    if (!Number.isInteger(options.n) || options.n < 1)
      throw new RangeError(`Refine needs n >= 1, got ${options.n}`);
    this.module = module;
    this.n = options.n;
    this.rewardFn = options.rewardFn;
    this.threshold = options.threshold;
    this.failCount = options.failCount ?? options.n;
    this.feedbackLM = options.feedbackLM;
  }

  async forward(inputs: I, options: ForwardOptions = {}): Promise<Prediction<O>> {
    let advice: Record<string, string> | undefined;
    let program = this.module;
    return runAttempts(
      this,
      inputs,
      options,
      async (attempt) => {
        program = this.module.clone();
        if (advice) {
          for (const [name, predictor] of program.namedPredictors()) {
            if (predictor instanceof Predict)
              predictor.adapter = new HintAdapter(predictor.adapter, advice[name] ?? 'N/A');
          }
        }
        return { prediction: await program.forward(inputs, attempt.options) };
      },
      async (attempt, prediction, reward) => {
        advice = await this.feedback(program, inputs, attempt.trace, prediction, reward, options);
      },
    );
  }

  call(inputs: I, options?: ForwardOptions): Promise<Prediction<O>> {
    return this.forward(inputs, options);
  }

  namedPredictors(): Array<[string, Predictor]> {
    return this.module.namedPredictors().map(([name, predictor]) => [`module.${name}`, predictor]);
  }

  clone(): this {
    return new Refine(this.module.clone(), {
      n: this.n,
      rewardFn: this.rewardFn,
      threshold: this.threshold,
      failCount: this.failCount,
      feedbackLM: this.feedbackLM,
    }) as this;
  }

  private async feedback(
    program: Module<I, O>,
    inputs: I,
    trace: readonly TraceEntry[],
    outputs: Prediction<O>,
    reward: number,
    options: ForwardOptions,
  ): Promise<Record<string, string>> {
    const predictors = program.namedPredictors();
    const nameOf = new Map(predictors.map(([name, predictor]) => [predictor, name]));
    const lm = this.feedbackLM ?? options.lm ?? firstLM(predictors);
    if (!lm) throw new LMError('Refine has no LM for its feedback: pass feedbackLM or an LM per call');
    const dump = (value: unknown) =>
      typeof value === 'string' ? value : pythonJsonDumps(value, { indent: 2, ensureAscii: false });
    const feedbackInputs = {
      program_code: program.constructor.toString(),
      modules_defn: inspectModules(predictors),
      program_inputs: dump(inputs),
      program_trajectory: dump(
        trace.map((step) => ({
          module_name: nameOf.get(step.predictor),
          inputs: step.inputs,
          outputs: step.outputs,
        })),
      ),
      program_outputs: dump({ ...outputs }),
      reward_code: this.rewardFn.toString(),
      target_threshold: dump(this.threshold),
      reward_value: dump(reward),
      module_names: dump(predictors.map(([name]) => name)),
    };
    const { signal } = options;
    const result = await new Predict(offerFeedbackSignature, { lm }).forward(feedbackInputs as never, {
      signal,
    });
    return result.advice as Record<string, string>;
  }
}

function firstLM(predictors: ReadonlyArray<[string, Predictor]>): LM | undefined {
  for (const [, predictor] of predictors)
    if (predictor instanceof Predict && predictor.lm) return predictor.lm;
  return undefined;
}
