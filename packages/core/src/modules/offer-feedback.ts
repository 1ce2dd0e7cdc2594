import { fieldDescription } from '../adapters/field-description.js';
import { pythonDedent, pythonSplitLines } from '../adapters/python-text.js';
import { Signature } from '../signature/signature.js';
import type { Predictor } from './module.js';
import { Predict } from './predict.js';

/** DSPy 3.3.1's `OfferFeedback` (dspy/predict/refine.py): the signature Refine asks for advice with. */
export const offerFeedbackSignature = Signature.from({
  instructions: `
    In the discussion, assign blame to each module that contributed to the final reward being below the threshold, if
    any. Then, prescribe concrete advice of how the module should act on its future input when we retry the process, if
    it were to receive the same or similar inputs. If a module is not to blame, the advice should be N/A.
    The module will not see its own history, so it needs to rely on entirely concrete and actionable advice from you
    to avoid the same mistake on the same or similar inputs.
    `,
  inputs: {
    program_code: { type: 'str', desc: 'The code of the program that we are analyzing' },
    modules_defn: { type: 'str', desc: 'The definition of each module in the program, including its I/O' },
    program_inputs: { type: 'str', desc: 'The inputs to the program that we are analyzing' },
    program_trajectory: {
      type: 'str',
      desc: "The trajectory of the program's execution, showing each module's I/O",
    },
    program_outputs: { type: 'str', desc: 'The outputs of the program that we are analyzing' },
    reward_code: { type: 'str', desc: 'The code of the reward function that we are analyzing' },
    target_threshold: { type: 'float', desc: 'The target threshold for the reward function' },
    reward_value: { type: 'float', desc: "The reward value assigned to the program's outputs" },
    module_names: {
      type: 'list[str]',
      desc: 'The names of the modules in the program, for which we seek advice',
    },
  },
  outputs: {
    discussion: { type: 'str', desc: 'Discussing blame of where each module went wrong, if it did' },
    advice: {
      type: 'dict[str, str]',
      // DSPy's string concatenation lacks a space ("kind ofscenario"); kept so the prompt matches.
      desc:
        'For each module, describe very concretely, in this order: the specific scenarios in which it has made ' +
        'mistakes in the past and what each mistake was, followed by what it should do differently in that kind of' +
        'scenario in the future. If the module is not to blame, write N/A.',
    },
  },
});

/** DSPy's `inspect_modules`: each predictor's fields and instructions, between dashed rules. */
export function inspectModules(predictors: ReadonlyArray<[string, Predictor]>): string {
  const separator = '-'.repeat(80);
  const indent = (text: string) =>
    pythonSplitLines(text)
      .map((line) => `\n\t\t${line}`)
      .join('');
  const output = [separator];
  for (const [name, predictor] of predictors) {
    if (!(predictor instanceof Predict)) continue;
    const signature = predictor.signature;
    output.push(`Module ${name}`);
    output.push('\n\tInput Fields:');
    output.push(indent(fieldDescription(signature.inputFields)));
    output.push('\tOutput Fields:');
    output.push(indent(fieldDescription(signature.outputFields)));
    output.push(`\tOriginal Instructions: ${indent(pythonDedent(signature.instructions))}`);
    output.push(separator);
  }
  return output.map((part) => part.replace(/^\n+|\n+$/g, '')).join('\n');
}
