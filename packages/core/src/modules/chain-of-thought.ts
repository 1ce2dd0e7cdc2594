import { Signature } from '../signature/signature.js';
import type { ForwardOptions, Module, Predictor } from './module.js';
import { Predict, type PredictOptions, type PredictStreamEvent } from './predict.js';
import type { Prediction } from './prediction.js';

type Values = Record<string, unknown>;
type WithReasoning<O extends Values> = { reasoning: string } & O;

/**
 * DSPy's ChainOfThought: a Predict over the signature with a `reasoning` output field prepended,
 * so the LM writes its reasoning before the answer fields.
 */
export class ChainOfThought<I extends Values = Values, O extends Values = Values>
  implements Module<I, WithReasoning<O>>
{
  readonly predict: Predict<I, WithReasoning<O>>;

  constructor(signature: Signature<I, O> | string, options: PredictOptions = {}) {
    const base = typeof signature === 'string' ? Signature.from(signature) : signature;
    // dspy/predict/chain_of_thought.py: `rationale_field = dspy.OutputField(desc=desc)` with
    // desc = "${reasoning}" and no prefix, so DSPy infers "Reasoning:" from the name.
    const extended = base.prepend(
      'reasoning',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder description
      { type: 'str', prefix: 'Reasoning:', desc: '${reasoning}' },
      'output',
    );
    this.predict = new Predict(extended as unknown as Signature<I, WithReasoning<O>>, options);
  }

  forward(inputs: I, options?: ForwardOptions): Promise<Prediction<WithReasoning<O>>> {
    return this.predict.forward(inputs, options);
  }

  call(inputs: I, options?: ForwardOptions): Promise<Prediction<WithReasoning<O>>> {
    return this.forward(inputs, options);
  }

  stream(
    inputs: I,
    options?: ForwardOptions,
  ): AsyncGenerator<PredictStreamEvent<WithReasoning<O>>, Prediction<WithReasoning<O>>> {
    return this.predict.stream(inputs, options);
  }

  namedPredictors(): Array<[string, Predictor]> {
    return [['predict', this.predict]];
  }

  inputNames(): string[] {
    return this.predict.inputNames();
  }

  clone(): this {
    const copy = Object.create(ChainOfThought.prototype) as ChainOfThought<I, O>;
    (copy as { predict: Predict<I, WithReasoning<O>> }).predict = this.predict.clone();
    return copy as this;
  }
}
