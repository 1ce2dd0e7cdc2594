import { describe, expect, it } from 'vitest';
import type { GenerateOptions, LM, LMResult } from '../lm/lm.js';
import { Signature } from '../signature/signature.js';
import { ChatAdapter } from './chat-adapter.js';
import { constrainedOptions } from './constrained-options.js';
import { JSONAdapter } from './json-adapter.js';

const signature = Signature.from('question -> answer: int');

describe('constrainedOptions', () => {
  it("adds the adapter's grammar unless the caller set one or said constrain: false", () => {
    const adapter = new ChatAdapter();
    expect(constrainedOptions(adapter, signature, {}).constraint?.name).toBe('ChatAdapter');
    expect(constrainedOptions(adapter, signature, { constrain: false }).constraint).toBeUndefined();
    const own = new JSONAdapter().outputConstraint(signature);
    expect(constrainedOptions(adapter, signature, { constraint: own }).constraint).toBe(own);
  });

  it('reaches the LM through adapter.call', async () => {
    const seen: GenerateOptions[] = [];
    const result: LMResult = {
      text: '[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]',
      usage: { promptTokens: 1, completionTokens: 1 },
      finishReason: 'stop',
      timings: { ttftMs: 0, tokensPerSecond: 0 },
    };
    const lm = {
      generate: async (_messages: unknown, options: GenerateOptions) => {
        seen.push(options);
        return result;
      },
    } as unknown as LM;
    const outcome = await new ChatAdapter().call(lm, signature, [], { question: '2+2?' }, { maxTokens: 9 });
    expect(outcome.values).toEqual({ answer: 4 });
    expect(seen[0]?.maxTokens).toBe(9);
    expect(seen[0]?.constraint?.grammar.type).toBe('seq');
  });
});
