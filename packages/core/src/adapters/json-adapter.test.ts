import { describe, expect, it } from 'vitest';
import { t } from '../signature/field-type-builders.js';
import { Signature } from '../signature/signature.js';
import { JSONAdapter } from './json-adapter.js';

// Expected strings are DSPy's (tests/adapters/test_json_adapter.py), field for field.

const adapter = new JSONAdapter();
const structure =
  'All interactions will be structured in the following way, with the appropriate values filled in.\n\nInputs will have the following structure:\n\n';

describe('JSONAdapter.format (DSPy golden messages)', () => {
  it('formats a simple signature', () => {
    const signature = Signature.from('question -> answer');
    expect(adapter.format(signature, [], { question: 'What is the capital of France?' })).toEqual([
      {
        role: 'system',
        content: `Your input fields are:\n1. \`question\` (str):\nYour output fields are:\n1. \`answer\` (str):\n${structure}[[ ## question ## ]]\n{question}\n\nOutputs will be a JSON object with the following fields.\n\n{\n  "answer": "{answer}"\n}\nIn adhering to this structure, your objective is: \n        Given the fields \`question\`, produce the fields \`answer\`.`,
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nWhat is the capital of France?\n\nRespond with a JSON object in the following order of fields: `answer`.',
      },
    ]);
  });

  it('formats a demo and a typed output', () => {
    const signature = Signature.from('question -> answer, confidence: float');
    const messages = adapter.format(signature, [{ question: 'Q1', answer: 'A1', confidence: 0.9 }], {
      question: 'Q2',
    });
    expect(messages).toEqual([
      {
        role: 'system',
        content: `Your input fields are:\n1. \`question\` (str):\nYour output fields are:\n1. \`answer\` (str): \n2. \`confidence\` (float):\n${structure}[[ ## question ## ]]\n{question}\n\nOutputs will be a JSON object with the following fields.\n\n{\n  "answer": "{answer}",\n  "confidence": "{confidence}        # note: the value you produce must be a single float value"\n}\nIn adhering to this structure, your objective is: \n        Given the fields \`question\`, produce the fields \`answer\`, \`confidence\`.`,
      },
      { role: 'user', content: '[[ ## question ## ]]\nQ1' },
      { role: 'assistant', content: '{\n  "answer": "A1",\n  "confidence": 0.9\n}' },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nQ2\n\nRespond with a JSON object in the following order of fields: `answer`, then `confidence` (must be formatted as a valid Python float).',
      },
    ]);
  });

  it('formats a described field and a bool output', () => {
    const signature = Signature.from({
      inputs: { input1: 'str' },
      outputs: { output1: { desc: 'String output field' }, output2: { type: 'bool' } },
    });
    const messages = adapter.format(signature, [], { input1: 'Test input' });
    expect(messages[0]?.content).toBe(
      `Your input fields are:\n1. \`input1\` (str):\nYour output fields are:\n1. \`output1\` (str): String output field\n2. \`output2\` (bool):\n${structure}[[ ## input1 ## ]]\n{input1}\n\nOutputs will be a JSON object with the following fields.\n\n{\n  "output1": "{output1}",\n  "output2": "{output2}        # note: the value you produce must be True or False"\n}\nIn adhering to this structure, your objective is: \n        Given the fields \`input1\`, produce the fields \`output1\`, \`output2\`.`,
    );
    expect(messages[1]?.content).toBe(
      '[[ ## input1 ## ]]\nTest input\n\nRespond with a JSON object in the following order of fields: `output1`, then `output2` (must be formatted as a valid Python bool).',
    );
  });

  it('formats int and dict outputs', () => {
    const signature = Signature.from('question -> count: int, metadata: dict[str, int]');
    const messages = adapter.format(signature, [], { question: 'Count things' });
    expect(messages[0]?.content).toBe(
      `Your input fields are:\n1. \`question\` (str):\nYour output fields are:\n1. \`count\` (int): \n2. \`metadata\` (dict[str, int]):\n${structure}[[ ## question ## ]]\n{question}\n\nOutputs will be a JSON object with the following fields.\n\n{\n  "count": "{count}        # note: the value you produce must be a single int value",\n  "metadata": "{metadata}        # note: the value you produce must adhere to the JSON schema: {\\"type\\": \\"object\\", \\"additionalProperties\\": {\\"type\\": \\"integer\\"}}"\n}\nIn adhering to this structure, your objective is: \n        Given the fields \`question\`, produce the fields \`count\`, \`metadata\`.`,
    );
    expect(messages[1]?.content).toBe(
      '[[ ## question ## ]]\nCount things\n\nRespond with a JSON object in the following order of fields: `count` (must be formatted as a valid Python int), then `metadata` (must be formatted as a valid Python dict[str, int]).',
    );
  });

  it('formats Literal and enum outputs', () => {
    const signature = Signature.from({
      inputs: { text: 'str' },
      outputs: {
        decision: "Literal['accept', 'reject']",
        label: { type: t.enum({ POSITIVE: 'positive', NEGATIVE: 'negative' }, 'Label') },
      },
    });
    const messages = adapter.format(signature, [], { text: 'Looks good' });
    expect(messages[0]?.content).toBe(
      `Your input fields are:\n1. \`text\` (str):\nYour output fields are:\n1. \`decision\` (Literal['accept', 'reject']): \n2. \`label\` (Label):\n${structure}[[ ## text ## ]]\n{text}\n\nOutputs will be a JSON object with the following fields.\n\n{\n  "decision": "{decision}        # note: the value you produce must exactly match (no extra characters) one of: accept; reject",\n  "label": "{label}        # note: the value you produce must be one of: positive; negative"\n}\nIn adhering to this structure, your objective is: \n        Given the fields \`text\`, produce the fields \`decision\`, \`label\`.`,
    );
    expect(messages[1]?.content).toBe(
      "[[ ## text ## ]]\nLooks good\n\nRespond with a JSON object in the following order of fields: `decision` (must be formatted as a valid Python Literal['accept', 'reject']), then `label` (must be formatted as a valid Python Label).",
    );
  });

  it('formats a nested object output with $defs, keys sorted type-first', () => {
    const summarySchema = {
      $defs: {
        JsonNestedAddress: {
          properties: {
            city: { title: 'City', type: 'string' },
            country: { title: 'Country', type: 'string' },
          },
          required: ['city', 'country'],
          title: 'JsonNestedAddress',
          type: 'object',
        },
      },
      properties: {
        title: { title: 'Title', type: 'string' },
        address: { $ref: '#/$defs/JsonNestedAddress' },
        scores: { items: { type: 'number' }, title: 'Scores', type: 'array' },
      },
      required: ['title', 'address', 'scores'],
      title: 'JsonNestedSummary',
      type: 'object',
    } as const;
    const signature = Signature.from({
      inputs: { question: 'str' },
      outputs: { summary: { type: summarySchema } },
    });
    const [system] = adapter.format(signature, [], { question: 'Summarize' });
    expect(system?.content).toBe(
      `Your input fields are:\n1. \`question\` (str):\nYour output fields are:\n1. \`summary\` (JsonNestedSummary):\n${structure}[[ ## question ## ]]\n{question}\n\nOutputs will be a JSON object with the following fields.\n\n{\n  "summary": "{summary}        # note: the value you produce must adhere to the JSON schema: {\\"type\\": \\"object\\", \\"$defs\\": {\\"JsonNestedAddress\\": {\\"type\\": \\"object\\", \\"properties\\": {\\"city\\": {\\"type\\": \\"string\\", \\"title\\": \\"City\\"}, \\"country\\": {\\"type\\": \\"string\\", \\"title\\": \\"Country\\"}}, \\"required\\": [\\"city\\", \\"country\\"], \\"title\\": \\"JsonNestedAddress\\"}}, \\"properties\\": {\\"address\\": {\\"$ref\\": \\"#/$defs/JsonNestedAddress\\"}, \\"scores\\": {\\"type\\": \\"array\\", \\"items\\": {\\"type\\": \\"number\\"}, \\"title\\": \\"Scores\\"}, \\"title\\": {\\"type\\": \\"string\\", \\"title\\": \\"Title\\"}}, \\"required\\": [\\"title\\", \\"address\\", \\"scores\\"], \\"title\\": \\"JsonNestedSummary\\"}"\n}\nIn adhering to this structure, your objective is: \n        Given the fields \`question\`, produce the fields \`summary\`.`,
    );
  });

  it('formats an incomplete demo', () => {
    const signature = Signature.from('question, context -> answer, score: float');
    const messages = adapter.format(signature, [{ question: 'Q1', answer: 'A1' }], {
      question: 'Q2',
      context: 'C2',
    });
    expect(messages.slice(1)).toEqual([
      {
        role: 'user',
        content:
          'This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## question ## ]]\nQ1',
      },
      {
        role: 'assistant',
        content: '{\n  "answer": "A1",\n  "score": "Not supplied for this particular example. "\n}',
      },
      {
        role: 'user',
        content:
          '[[ ## question ## ]]\nQ2\n\n[[ ## context ## ]]\nC2\n\nRespond with a JSON object in the following order of fields: `answer`, then `score` (must be formatted as a valid Python float).',
      },
    ]);
  });

  it('writes non-ASCII in assistant JSON as it is (ensure_ascii=False)', () => {
    // dspy/adapters/json_adapter.py: `return json.dumps(serialize_for_json(d), indent=2, ensure_ascii=False)`
    const signature = Signature.from('question -> answer');
    const messages = adapter.format(signature, [{ question: 'q', answer: 'café 😀' }], { question: 'x' });
    expect(messages[2]?.content).toBe('{\n  "answer": "café 😀"\n}');
  });
});

describe('JSONAdapter.parse', () => {
  const signature = Signature.from('question -> answer, confidence: float, tags: list[str]');

  it('parses a plain JSON object', () => {
    expect(adapter.parse(signature, '{"answer": "Paris", "confidence": 0.9, "tags": ["geo"]}')).toEqual({
      answer: 'Paris',
      confidence: 0.9,
      tags: ['geo'],
    });
  });

  it('parses a Python dict in a code fence after a think block, ignoring extra keys', () => {
    const text =
      "<think>{'answer': 'no'}</think>\nHere you go:\n```json\n{'answer': 'Paris', 'confidence': '0.5', 'tags': ('a', 'b',), 'extra': 1,}\n```";
    expect(adapter.parse(signature, text)).toEqual({ answer: 'Paris', confidence: 0.5, tags: ['a', 'b'] });
  });

  it('skips reasoning closed by an orphan </think>', () => {
    const text = 'I could say {"answer": "no"}.</think>{"answer": "yes", "confidence": 1, "tags": []}';
    expect(adapter.parse(signature, text)).toEqual({ answer: 'yes', confidence: 1, tags: [] });
  });

  it('repairs an object cut off at the end', () => {
    expect(adapter.parse(signature, '{"answer": "Paris", "confidence": 1, "tags": ["x"')).toEqual({
      answer: 'Paris',
      confidence: 1,
      tags: ['x'],
    });
  });

  it('throws AdapterParseError with the partial result when a field is missing', () => {
    expect(() => adapter.parse(signature, '{"answer": "Paris", "confidence": 0.2}')).toThrow(
      expect.objectContaining({
        code: 'X_ADAPTER_PARSE',
        adapter: 'JSONAdapter',
        partial: { answer: 'Paris', confidence: 0.2 },
      }),
    );
  });

  it('throws AdapterParseError on text without an object', () => {
    expect(() => adapter.parse(signature, 'Paris')).toThrow(expect.objectContaining({ rawText: 'Paris' }));
  });
});
