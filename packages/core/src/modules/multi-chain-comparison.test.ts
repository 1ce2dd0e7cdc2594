import { describe, expect, it } from 'vitest';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { MultiChainComparison } from './multi-chain-comparison.js';

describe('MultiChainComparison (dspy/predict/multi_chain_comparison.py)', () => {
  it('compares M attempts as DSPy 3.3.1 formats them', async () => {
    const lm = new ScriptedLM({
      responses: ['[[ ## rationale ## ]]\nadd them: 4\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]'],
    });
    const compare = new MultiChainComparison('question -> answer', { m: 2, lm });
    const prediction = await compare.forward({
      question: '2+2?',
      completions: [
        { reasoning: 'add two and two.\nThen more.', answer: '4' },
        { rationale: '  count', answer: '5\nextra' },
      ],
    });
    expect(prediction).toEqual({ rationale: 'add them: 4', answer: '4' });
    expect(lm.calls[0]!.options.temperature).toBe(0.7);
    // DSPy 3.3.1: ChatAdapter().format(MultiChainComparison("question -> answer", M=2).predict.signature, ...)
    expect(lm.calls[0]!.messages).toEqual([
      {
        role: 'system',
        content:
          // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder descriptions
          'Your input fields are:\n1. `question` (str): \n2. `reasoning_attempt_1` (str): ${reasoning attempt}\n3. `reasoning_attempt_2` (str): ${reasoning attempt}\nYour output fields are:\n1. `rationale` (str): ${corrected reasoning}\n2. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## reasoning_attempt_1 ## ]]\n{reasoning_attempt_1}\n\n[[ ## reasoning_attempt_2 ## ]]\n{reasoning_attempt_2}\n\n[[ ## rationale ## ]]\n{rationale}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`.',
      },
      {
        role: 'user',
        content:
          "[[ ## question ## ]]\n2+2?\n\n[[ ## reasoning_attempt_1 ## ]]\n«I'm trying to add two and two. I'm not sure but my prediction is 4»\n\n[[ ## reasoning_attempt_2 ## ]]\n«I'm trying to count I'm not sure but my prediction is 5»\n\nRespond with the corresponding output fields, starting with the field `[[ ## rationale ## ]]`, then `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.",
      },
    ]);
  });

  it('rejects a number of completions other than M', async () => {
    const compare = new MultiChainComparison('question -> answer', {
      m: 3,
      lm: new ScriptedLM({ responses: [] }),
    });
    await expect(
      compare.forward({ question: 'q', completions: [{ reasoning: 'r', answer: 'a' }] }),
    ).rejects.toThrow("The number of attempts (1) doesn't match the expected number M (3)");
  });
});
