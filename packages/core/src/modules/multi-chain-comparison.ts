import { pythonStr } from '../adapters/python-json.js';
import { XError } from '../errors/x-error.js';
import { Signature } from '../signature/signature.js';
import type { ForwardOptions, Module, Predictor } from './module.js';
import { Predict, type PredictOptions } from './predict.js';
import type { Prediction } from './prediction.js';

type Values = Record<string, unknown>;
type WithRationale<O extends Values> = { rationale: string } & O;

export interface MultiChainComparisonOptions extends PredictOptions {
  /** How many earlier attempts each call compares (DSPy's `M`). Default 3. */
  m?: number;
  /** Default 0.7, as DSPy. */
  temperature?: number;
}

/**
 * DSPy's MultiChainComparison: given `m` completions (each with a `rationale` or `reasoning` and the
 * signature's last output field), asks the LM to compare them as "Student Attempt #i" inputs and to
 * write an `Accurate Reasoning` rationale before the outputs.
 */
export class MultiChainComparison<I extends Values = Values, O extends Values = Values>
  implements Module<I & { completions: readonly Values[] }, WithRationale<O>>
{
  readonly m: number;
  readonly lastKey: string;
  readonly predict: Predict<Values, WithRationale<O>>;

  constructor(signature: Signature<I, O> | string, options: MultiChainComparisonOptions = {}) {
    const { m = 3, temperature = 0.7, ...predictOptions } = options;
    let extended: Signature = typeof signature === 'string' ? Signature.from(signature) : signature;
    const last = extended.outputFields.at(-1);
    if (!last) throw new XError('X_INVALID_SIGNATURE', 'MultiChainComparison needs an output field');
    this.m = m;
    this.lastKey = last.name;
    for (let index = 1; index <= m; index++) {
      extended = extended.append(
        `reasoning_attempt_${index}`,
        // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder description
        { prefix: `Student Attempt #${index}:`, desc: '${reasoning attempt}' },
        'input',
      );
    }
    extended = extended.prepend(
      'rationale',
      {
        prefix: "Accurate Reasoning: Thank you everyone. Let's now holistically",
        // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder description
        desc: '${corrected reasoning}',
      },
      'output',
    );
    this.predict = new Predict(extended as Signature<Values, WithRationale<O>>, {
      ...predictOptions,
      config: { temperature, ...predictOptions.config },
    });
  }

  /** `inputs.completions`: the `m` earlier predictions to compare; the other keys are the signature's inputs. */
  async forward(
    inputs: I & { completions: readonly Values[] },
    options?: ForwardOptions,
  ): Promise<Prediction<WithRationale<O>>> {
    const { completions, ...rest } = inputs;
    const attempts = completions.map((completion) => {
      const rationale = firstLine(pythonStr(completion.rationale ?? completion.reasoning));
      const answer = firstLine(pythonStr(completion[this.lastKey]));
      return `«I'm trying to ${rationale} I'm not sure but my prediction is ${answer}»`;
    });
    if (attempts.length !== this.m) {
      throw new XError(
        'X_INVALID_INPUTS',
        `The number of attempts (${attempts.length}) doesn't match the expected number M (${this.m}). Please set the correct value for M when initializing MultiChainComparison.`,
      );
    }
    const attemptInputs = Object.fromEntries(
      attempts.map((text, index) => [`reasoning_attempt_${index + 1}`, text]),
    );
    return this.predict.forward({ ...attemptInputs, ...rest }, options);
  }

  call(
    inputs: I & { completions: readonly Values[] },
    options?: ForwardOptions,
  ): Promise<Prediction<WithRationale<O>>> {
    return this.forward(inputs, options);
  }

  namedPredictors(): Array<[string, Predictor]> {
    return [['predict', this.predict]];
  }

  clone(): this {
    const copy = Object.create(MultiChainComparison.prototype) as MultiChainComparison<I, O>;
    Object.assign(copy, { m: this.m, lastKey: this.lastKey, predict: this.predict.clone() });
    return copy as this;
  }
}

/** Python's `text.strip().split("\n")[0].strip()`. */
function firstLine(text: string): string {
  return (text.trim().split('\n')[0] ?? '').trim();
}
