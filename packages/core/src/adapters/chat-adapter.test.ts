import { describe, expect, it } from 'vitest';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { t } from '../signature/field-type-builders.js';
import { Signature } from '../signature/signature.js';
import { ChatAdapter } from './chat-adapter.js';

// DSPy's placeholder descriptions are literal `${name}` strings, not templates.
const reasoningDesc = ['$', '{reasoning}'].join('');

// Expected strings are DSPy 3.x's own (tests/adapters/test_chat_adapter.py and the DSPy docs),
// translated field for field; a pydantic model becomes the JSON schema pydantic gives for it.

const adapter = new ChatAdapter();

describe('ChatAdapter.format (DSPy golden messages)', () => {
  it('formats a simple signature', () => {
    const qa = Signature.from('question -> answer', 'Answer the question.');
    expect(adapter.format(qa, [], { question: 'What is the capital of France?' })).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Answer the question.',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nWhat is the capital of France?\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('formats a demo with default instructions (DSPy docs example)', () => {
    const signature = Signature.from('question -> answer');
    const messages = adapter.format(signature, [{ question: 'What is 1+1?', answer: '2' }], {
      question: 'What is 2+2?',
    });
    expect(messages).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`.',
      },
      { role: 'user', content: '[[ ## question ## ]]\nWhat is 1+1?' },
      { role: 'assistant', content: '[[ ## answer ## ]]\n2\n\n[[ ## completed ## ]]\n' },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nWhat is 2+2?\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('formats a demo with typed list outputs', () => {
    const multi = Signature.from(
      'question -> answers: list[str], scores: list[float]',
      'Answer the question with multiple answers and scores',
    );
    const messages = adapter.format(multi, [{ question: 'Q1', answers: ['A1', 'A2'], scores: [0.1, 0.9] }], {
      question: 'Q2',
    });
    expect(messages).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `answers` (list[str]): \n2. `scores` (list[float]):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## answers ## ]]\n{answers}        # note: the value you produce must adhere to the JSON schema: {"type": "array", "items": {"type": "string"}}\n\n[[ ## scores ## ]]\n{scores}        # note: the value you produce must adhere to the JSON schema: {"type": "array", "items": {"type": "number"}}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Answer the question with multiple answers and scores',
      },
      { role: 'user', content: '[[ ## question ## ]]\nQ1' },
      {
        role: 'assistant',
        content:
          '[[ ## answers ## ]]\n["A1", "A2"]\n\n[[ ## scores ## ]]\n[0.1, 0.9]\n\n[[ ## completed ## ]]\n',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nQ2\n\nRespond with the corresponding output fields, starting with the field `[[ ## answers ## ]]` (must be formatted as a valid Python list[str]), then `[[ ## scores ## ]]` (must be formatted as a valid Python list[float]), and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('formats nested object fields with their JSON schema', () => {
    const person = {
      type: 'object',
      title: 'Person',
      properties: {
        name: { type: 'string', title: 'Name' },
        address: { $ref: '#/$defs/Address' },
        tags: { type: 'array', items: { type: 'string' }, title: 'Tags' },
      },
      required: ['name', 'address', 'tags'],
    } as const;
    const summary = {
      properties: {
        headline: { title: 'Headline', type: 'string' },
        score: { title: 'Score', type: 'number' },
      },
      required: ['headline', 'score'],
      title: 'Summary',
      type: 'object',
    } as const;
    const signature = Signature.from({
      inputs: { person: { type: person } },
      outputs: { summary: { type: summary } },
    });
    const messages = adapter.format(signature, [], {
      person: { name: 'Ada', address: { city: 'London', country: 'UK' }, tags: ['math', 'code'] },
    });
    expect(messages).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `person` (Person):\nYour output fields are:\n1. `summary` (Summary):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## person ## ]]\n{person}\n\n[[ ## summary ## ]]\n{summary}        # note: the value you produce must adhere to the JSON schema: {"type": "object", "properties": {"headline": {"type": "string", "title": "Headline"}, "score": {"type": "number", "title": "Score"}}, "required": ["headline", "score"], "title": "Summary"}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `person`, produce the fields `summary`.',
      },
      {
        role: 'user',
        content:
          '[[ ## person ## ]]\n{"name": "Ada", "address": {"city": "London", "country": "UK"}, "tags": ["math", "code"]}\n\nRespond with the corresponding output fields, starting with the field `[[ ## summary ## ]]` (must be formatted as a valid Python Summary), and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('formats an incomplete demo with the DSPy note', () => {
    const signature = Signature.from('question, context -> answer, confidence: float');
    const messages = adapter.format(signature, [{ question: 'Q1', answer: 'A1' }], {
      question: 'Q2',
      context: 'C2',
    });
    expect(messages).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `question` (str): \n2. `context` (str):\nYour output fields are:\n1. `answer` (str): \n2. `confidence` (float):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## context ## ]]\n{context}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## confidence ## ]]\n{confidence}        # note: the value you produce must be a single float value\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, `context`, produce the fields `answer`, `confidence`.',
      },
      {
        role: 'user',
        content:
          'This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## question ## ]]\nQ1',
      },
      {
        role: 'assistant',
        content:
          '[[ ## answer ## ]]\nA1\n\n[[ ## confidence ## ]]\nNot supplied for this particular example.\n\n[[ ## completed ## ]]\n',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nQ2\n\n[[ ## context ## ]]\nC2\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, then `[[ ## confidence ## ]]` (must be formatted as a valid Python float), and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('formats a History field as earlier turns', () => {
    const signature = Signature.from('history: History, question -> answer');
    const messages = adapter.format(signature, [], {
      history: {
        messages: [
          { question: 'What is 1+1?', answer: '2' },
          { question: 'What is 2+2?', answer: '4' },
        ],
      },
      question: 'What is 3+3?',
    });
    expect(messages).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `history` (History): \n2. `question` (str):\nYour output fields are:\n1. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## history ## ]]\n{history}\n\n[[ ## question ## ]]\n{question}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `history`, `question`, produce the fields `answer`.',
      },
      { role: 'user', content: '[[ ## question ## ]]\nWhat is 1+1?' },
      { role: 'assistant', content: '[[ ## answer ## ]]\n2\n\n[[ ## completed ## ]]\n' },
      { role: 'user', content: '[[ ## question ## ]]\nWhat is 2+2?' },
      { role: 'assistant', content: '[[ ## answer ## ]]\n4\n\n[[ ## completed ## ]]\n' },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nWhat is 3+3?\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('formats the history argument like a History field', () => {
    const signature = Signature.from('question -> answer');
    const messages = adapter.format(signature, [], { question: 'Q3' }, [{ question: 'Q1', answer: 'A1' }]);
    expect(messages.slice(1)).toEqual([
      { role: 'user', content: '[[ ## question ## ]]\nQ1' },
      { role: 'assistant', content: '[[ ## answer ## ]]\nA1\n\n[[ ## completed ## ]]\n' },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nQ3\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });

  it('formats a list value for a str input as a numbered list', () => {
    const signature = Signature.from('context -> answer');
    const [, user] = adapter.format(signature, [], { context: ['alpha', 'beta'] as unknown as string });
    expect(user?.content).toBe(
      '[[ ## context ## ]]\n[1] «alpha»\n[2] «beta»\n\nRespond with the corresponding output fields, starting with the field `[[ ## answer ## ]]`, and then ending with the marker for `[[ ## completed ## ]]`.',
    );
  });

  it('formats a Literal output', () => {
    const signature = Signature.from("question -> verdict: Literal['yes', 'no']");
    expect(adapter.format(signature, [], { question: 'Is the sky blue?' })).toEqual([
      {
        role: 'system',
        content:
          "Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `verdict` (Literal['yes', 'no']):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## verdict ## ]]\n{verdict}        # note: the value you produce must exactly match (no extra characters) one of: yes; no\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `verdict`.",
      },
      {
        role: 'user',
        content:
          "[[ ## question ## ]]\nIs the sky blue?\n\nRespond with the corresponding output fields, starting with the field `[[ ## verdict ## ]]` (must be formatted as a valid Python Literal['yes', 'no']), and then ending with the marker for `[[ ## completed ## ]]`.",
      },
    ]);
  });

  it('formats the ChainOfThought reasoning field (prepended output)', () => {
    const signature = Signature.from('question -> answer').prepend(
      'reasoning',
      { desc: reasoningDesc, prefix: "Reasoning: Let's think step by step in order to" },
      'output',
    );
    const [system] = adapter.format(signature, [], { question: 'Q' });
    expect(system?.content).toBe(
      'Your input fields are:\n1. `question` (str):\nYour output fields are:\n1. `reasoning` (str): \n2. `answer` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## question ## ]]\n{question}\n\n[[ ## reasoning ## ]]\n{reasoning}\n\n[[ ## answer ## ]]\n{answer}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `question`, produce the fields `answer`.',
    );
  });

  it.each([
    [['one', 'two', 'three"'], "Literal['one', 'two', 'three\"']"],
    [["she's here", 'okay', 'test'], "Literal[\"she's here\", 'okay', 'test']"],
    [['both"and\'', 'another'], "Literal['both\"and\\'', 'another']"],
    [[1, 'bar'], "Literal[1, 'bar']"],
    [[true, 3, 'foo'], "Literal[True, 3, 'foo']"],
  ] as const)('quotes Literal %j as Python does: %s', (values, expected) => {
    const signature = Signature.from({
      inputs: { input_text: { type: t.literal(...values) } },
      outputs: { out: 'str' },
    });
    const [system] = adapter.format(signature, [], { input_text: values[0] });
    expect(system?.content).toContain(`1. \`input_text\` (${expected}):`);
  });
});

describe('ChatAdapter.parse failure (DSPy test_chat_adapter_exception_raised_on_failure)', () => {
  it('raises AdapterParseError on a response without markers', () => {
    expect(() => adapter.parse(Signature.from('question->answer'), "{'output':'mismatched value'}")).toThrow(
      AdapterParseError,
    );
  });
});
