import { sumModel, textHash } from '../../evaluate/__fixtures__/arithmetic.js';
import type { ScriptedCall, ScriptedResponse } from '../../testing/scripted-lm.js';

/**
 * Answers the optimisers' own calls (dataset description, instruction proposals) and, for the
 * task, behaves as `sumModel` with "carefully" as the helpful phrase. About half the proposals
 * contain it, chosen by a hash of the prompt, so a search has something to find.
 */
export function proposalAndSumModel() {
  const task = sumModel({ helpfulPhrase: 'carefully' });
  return (call: ScriptedCall): ScriptedResponse => {
    const prompt = call.messages?.at(-1)?.content ?? '';
    if (prompt.includes('[[ ## examples ## ]]')) {
      return '[[ ## summary ## ]]\nSums of two two-digit numbers.\n\n[[ ## completed ## ]]';
    }
    if (prompt.includes('[[ ## tip ## ]]') || prompt.includes('[[ ## attempted_instructions ## ]]')) {
      const variant = Math.floor(textHash(prompt) * 1000);
      const instruction =
        textHash(prompt) < 0.5 ? `Add the two numbers carefully (v${variant}).` : `Reply with a number (v${variant}).`;
      return `[[ ## proposed_instruction ## ]]\n${instruction}\n\n[[ ## completed ## ]]`;
    }
    return task(call);
  };
}
