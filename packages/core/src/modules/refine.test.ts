import { describe, expect, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { Signature } from '../signature/signature.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { ChainOfThought } from './chain-of-thought.js';
import { inspectModules, offerFeedbackSignature } from './offer-feedback.js';
import { Predict } from './predict.js';
import { Refine } from './refine.js';

const reply = (answer: string) => `[[ ## answer ## ]]\n${answer}\n\n[[ ## completed ## ]]`;
const oneWord = (_inputs: unknown, prediction: { answer: string }) =>
  prediction.answer.split(/\s+/).length === 1 ? 1 : 0;

describe('Refine (dspy/predict/refine.py)', () => {
  it('asks OfferFeedback for advice after a miss and passes it to the next attempt as hint_', async () => {
    const lm = new ScriptedLM({
      responses: [
        reply('The capital is Brussels'),
        '[[ ## discussion ## ]]\nThe answer was a sentence.\n\n[[ ## advice ## ]]\n{"self": "Answer with one word."}\n\n[[ ## completed ## ]]',
        reply('Brussels'),
      ],
    });
    const refine = new Refine(new Predict(Signature.from('question -> answer'), { lm }), {
      n: 3,
      rewardFn: oneWord,
      threshold: 1,
    });
    const prediction = await refine.forward({ question: 'Capital of Belgium?' });
    expect(prediction.answer).toBe('Brussels');
    expect(lm.calls).toHaveLength(3);

    const feedback = lm.calls[1]!.messages!;
    expect(feedback[0]!.content).toBe(new ChatAdapter().format(offerFeedbackSignature, [], {})[0]!.content);
    const user = feedback[1]!.content;
    expect(user).toContain('[[ ## program_inputs ## ]]\n{\n  "question": "Capital of Belgium?"\n}');
    expect(user).toContain(
      '[[ ## program_trajectory ## ]]\n[\n  {\n    "module_name": "self",\n    "inputs": {\n      "question": "Capital of Belgium?"\n    },\n    "outputs": {\n      "answer": "The capital is Brussels"\n    }\n  }\n]',
    );
    expect(user).toContain('[[ ## program_outputs ## ]]\n{\n  "answer": "The capital is Brussels"\n}');
    expect(user).toContain('[[ ## reward_value ## ]]\n0\n\n[[ ## module_names ## ]]\n[\n  "self"\n]');
    expect(user).toContain('[[ ## reward_code ## ]]\n(_inputs, prediction) =>');

    // DSPy 3.3.1: ChatAdapter().format(Signature("question -> answer").append("hint_",
    //   InputField(desc="A hint to the module from an earlier run")), inputs={..., "hint_": ...})
    expect(lm.calls[2]!.messages).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `question` (str): \n2. `hint_` (str): A hint to the module from an earlier run\nYour output fields are:\n1. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## hint_ ## ]]\n{hint_}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`.',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nCapital of Belgium?\n\n[[ ## hint_ ## ]]\nAnswer with one word.\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('gives N/A to a predictor the advice does not name, and asks no feedback after the last attempt', async () => {
    const lm = new ScriptedLM({
      responses: [
        reply('two words'),
        '[[ ## discussion ## ]]\nx\n\n[[ ## advice ## ]]\n{"other": "y"}\n\n[[ ## completed ## ]]',
        reply('still two'),
      ],
    });
    const refine = new Refine(new Predict(Signature.from('question -> answer'), { lm }), {
      n: 2,
      rewardFn: oneWord,
      threshold: 1,
    });
    expect((await refine.forward({ question: 'q' })).answer).toBe('two words');
    expect(lm.calls).toHaveLength(3);
    expect(lm.calls[2]!.messages![1]!.content).toContain('[[ ## hint_ ## ]]\nN/A');
  });

  it("writes OfferFeedback's prompt as DSPy 3.3.1 does", () => {
    // ChatAdapter().format(OfferFeedback, ...)[0]["content"] from dspy/predict/refine.py's OfferFeedback
    const system = new ChatAdapter().format(offerFeedbackSignature, [], {})[0]!.content;
    expect(system).toContain(
      '2. `advice` (dict[str, str]): For each module, describe very concretely, in this order: the specific scenarios in which it has made mistakes in the past and what each mistake was, followed by what it should do differently in that kind ofscenario in the future. If the module is not to blame, write N/A.\n',
    );
    expect(system).toContain(
      '{advice}        # note: the value you produce must adhere to the JSON schema: {"type": "object", "additionalProperties": {"type": "string"}}',
    );
    expect(
      system.endsWith(
        'In adhering to this structure, your objective is: \n        In the discussion, assign blame to each module that contributed to the final reward being below the threshold, if\n        any. Then, prescribe concrete advice of how the module should act on its future input when we retry the process, if\n        it were to receive the same or similar inputs. If a module is not to blame, the advice should be N/A.\n        The module will not see its own history, so it needs to rely on entirely concrete and actionable advice from you\n        to avoid the same mistake on the same or similar inputs.',
      ),
    ).toBe(true);
  });

  it('describes the program as inspect_modules does', () => {
    // inspect_modules(dspy.ChainOfThought(dspy.Signature("question -> answer: int", "Answer the question.")))
    const program = new ChainOfThought(Signature.from('question -> answer: int', 'Answer the question.'));
    expect(inspectModules(program.namedPredictors())).toBe(
      '--------------------------------------------------------------------------------\nModule predict\n\tInput Fields:\n\t\t1. `question` (str):\n\tOutput Fields:\n\t\t1. `reasoning` (str): \n\t\t2. `answer` (int):\n\tOriginal Instructions: \n\t\tAnswer the question.\n--------------------------------------------------------------------------------',
    );
  });
});
