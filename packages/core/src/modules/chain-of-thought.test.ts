import { describe, expect, it } from 'vitest';
import { ChatAdapter } from '../adapters/chat-adapter.js';
import { Signature } from '../signature/signature.js';
import { ScriptedLM } from '../testing/scripted-lm.js';
import { ChainOfThought } from './chain-of-thought.js';

const qa = Signature.from('question -> answer: int');
const reply = '[[ ## reasoning ## ]]\n2 and 2 make 4\n\n[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]';

describe('ChainOfThought', () => {
  it('prepends a reasoning output field the way DSPy does', () => {
    const signature = new ChainOfThought(qa).predict.signature;
    expect(signature.outputFields.map((field) => field.name)).toEqual(['reasoning', 'answer']);
    expect(signature.outputFields[0]).toMatchObject({
      // dspy/predict/chain_of_thought.py: `rationale_field = dspy.OutputField(desc=desc)`, no prefix,
      // so DSPy 3.3.1 infers "Reasoning:" (its json_schema_extra, printed by the oracle).
      prefix: 'Reasoning:',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder description
      desc: '${reasoning}',
      type: { kind: 'str' },
    });
    expect(signature.instructions).toBe(qa.instructions);
    expect(qa.outputFields.map((field) => field.name)).toEqual(['answer']);
  });

  it('formats the prompt DSPy 3.3.1 formats, and dumps the same field state', () => {
    // Printed by the oracle (/work/shared/dspy-oracle) for dspy.ChainOfThought("question -> answer"):
    // ChatAdapter().format(cot.predict.signature, demos=[{question: Q, reasoning: R, answer: A}], ...).
    const cot = new ChainOfThought('question -> answer');
    const messages = new ChatAdapter().format(
      cot.predict.signature,
      [{ question: 'Q', reasoning: 'R', answer: 'A' }],
      { question: 'Why?' },
    );
    expect(messages).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `reasoning` (str): \n2. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## reasoning ## ]]\n{reasoning}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`.',
      },
      { role: 'user', content: '[[ ## question ## ]]\nQ' },
      {
        role: 'assistant',
        content: '[[ ## reasoning ## ]]\nR\n\n[[ ## answer ## ]]\nA\n\n[[ ## completed ## ]]\n',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nWhy?\n\nRespond with the corresponding output fields, starting with the field `[[ ## reasoning ## ]]`, then `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
    // cot.dump_state()["predict"]["signature"]["fields"] from the oracle.
    expect(cot.predict.signature.fields.map(({ prefix, desc }) => ({ prefix, description: desc }))).toEqual([
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder description
      { prefix: 'Question:', description: '${question}' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder description
      { prefix: 'Reasoning:', description: '${reasoning}' },
      // biome-ignore lint/suspicious/noTemplateCurlyInString: DSPy's literal placeholder description
      { prefix: 'Answer:', description: '${answer}' },
    ]);
  });

  it('returns the reasoning with the typed answer', async () => {
    const lm = new ScriptedLM({ responses: [reply] });
    const cot = new ChainOfThought(qa, { lm });
    const prediction = await cot.call({ question: '2+2?' });
    expect(prediction).toEqual({ reasoning: '2 and 2 make 4', answer: 4 });
    expect(lm.lastCall?.messages?.[0]?.content).toContain('1. `reasoning` (str)');
    expect(lm.lastCall?.messages).toEqual(
      new ChatAdapter().format(cot.predict.signature, [], { question: '2+2?' }),
    );
  });

  it('streams the reasoning before the answer', async () => {
    const lm = new ScriptedLM({ responses: [reply], chunkSize: 4 });
    const fields: string[] = [];
    for await (const event of new ChainOfThought('question -> answer', { lm }).stream({ question: 'q' })) {
      if (event.type === 'field-delta' && fields.at(-1) !== event.field) fields.push(event.field);
    }
    expect(fields).toEqual(['reasoning', 'answer']);
  });

  it('clones into an independent copy with one named predictor', () => {
    const cot = new ChainOfThought(qa);
    const copy = cot.clone();
    copy.predict.demos = [{ question: 'q', reasoning: 'r', answer: 1 }];
    expect(cot.predict.demos).toEqual([]);
    expect(copy.namedPredictors().map(([name]) => name)).toEqual(['predict']);
    expect(copy.inputNames()).toEqual(['question']);
    expect(copy).toBeInstanceOf(ChainOfThought);
  });
});
