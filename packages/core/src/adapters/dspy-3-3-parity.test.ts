import { describe, expect, it } from 'vitest';
import { t } from '../signature/field-type-builders.js';
import { Signature } from '../signature/signature.js';
import { ChatAdapter } from './chat-adapter.js';
import { JSONAdapter } from './json-adapter.js';

// Expected values come from DSPy 3.3.1 itself (/work/shared/dspy-oracle), each with the source line
// that explains it.

const mood = "Literal['heureux', 'fâché']";
const moodNote =
  '        # note: the value you produce must exactly match (no extra characters) one of: heureux; fâché';

describe('DSPy 3.3.1 parity: non-ASCII and history', () => {
  const signature = Signature.from(
    `question: str, history: History -> answer: str, mood: ${mood}`,
    'Réponds.',
  );
  const demos = [{ question: 'Qui?', answer: 'Émile', mood: 'heureux' }];
  const inputs = {
    question: 'Quoi?',
    history: {
      messages: [
        { question: 'Où?', answer: 'Là-bas', mood: 'heureux' },
        { answer: 'ça va', mood: 'fâché' },
      ],
    },
  };
  const description = `Your input fields are:\n1. \`question\` (str): \n2. \`history\` (History):\nYour output fields are:\n1. \`answer\` (str): \n2. \`mood\` (${mood}):\n`;

  it('JSONAdapter keeps non-ASCII in the output structure, demos and history (ensure_ascii=False)', () => {
    // dspy/adapters/json_adapter.py format_field_with_value:
    //   return json.dumps(serialize_for_json(d), indent=2, ensure_ascii=False)
    // dspy/adapters/base.py format_conversation_history: `if user_content:` (no user message for a
    // turn that has only output fields).
    expect(new JSONAdapter().format(signature, demos, inputs)).toEqual([
      {
        role: 'system',
        content: `${description}All interactions will be structured in the following way, with the appropriate values filled in.\n\nInputs will have the following structure:\n\n[[ ## question ## ]]\n{question}\n\n[[ ## history ## ]]\n{history}\n\nOutputs will be a JSON object with the following fields.\n\n{\n  "answer": "{answer}",\n  "mood": "{mood}${moodNote}"\n}\nIn adhering to this structure, your objective is: \n        Réponds.`,
      },
      {
        role: 'user',
        content:
          'This is an example of the task, though some input or output fields are not supplied.\n\n[[ ## question ## ]]\nQui?',
      },
      { role: 'assistant', content: '{\n  "answer": "Émile",\n  "mood": "heureux"\n}' },
      { role: 'user', content: '[[ ## question ## ]]\nOù?' },
      { role: 'assistant', content: '{\n  "answer": "Là-bas",\n  "mood": "heureux"\n}' },
      { role: 'assistant', content: '{\n  "answer": "ça va",\n  "mood": "fâché"\n}' },
      {
        role: 'user',
        content: `[[ ## question ## ]]\nQuoi?\n\nRespond with a JSON object in the following order of fields: \`answer\`, then \`mood\` (must be formatted as a valid Python ${mood}).`,
      },
    ]);
  });

  it('ChatAdapter gives a history turn with only output fields no user message', () => {
    const messages = new ChatAdapter().format(signature, demos, inputs);
    expect(messages.map((message) => message.role)).toEqual([
      'system',
      'user',
      'assistant',
      'user',
      'assistant',
      'assistant',
      'user',
    ]);
    expect(messages[5]).toEqual({
      role: 'assistant',
      content: '[[ ## answer ## ]]\nça va\n\n[[ ## mood ## ]]\nfâché\n\n[[ ## completed ## ]]\n',
    });
  });
});

describe('DSPy 3.3.1 parity: instructions', () => {
  it('cleans instructions as inspect.cleandoc does', () => {
    // dspy/signatures/signature.py: `return inspect.cleandoc(getattr(cls, "__doc__", ""))`
    const signature = Signature.from(
      'q -> a',
      '\n    First line.\n      Indented more.\n    Last line.\n\n   ',
    );
    expect(signature.instructions).toBe('First line.\n  Indented more.\nLast line.');
    expect(new ChatAdapter().format(signature, [], { q: 'x' })[0]?.content).toBe(
      'Your input fields are:\n1. `q` (str):\nYour output fields are:\n1. `a` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## q ## ]]\n{q}\n\n[[ ## a ## ]]\n{a}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        First line.\n          Indented more.\n        Last line.',
    );
    expect(Signature.from('q -> a', '\tTabbed first.\n\tsecond').instructions).toBe('Tabbed first.\nsecond');
  });
});

describe('DSPy 3.3.1 parity: parsing', () => {
  it('turns a non-string JSON value of a str output into Python str() of it', () => {
    // dspy/adapters/utils.py parse_value: `if annotation is str: return str(value)`
    const signature = Signature.from('q -> a: str');
    const parse = (text: string) => new JSONAdapter().parse(signature, text).a;
    expect(parse('{"a": null}')).toBe('None');
    expect(parse('{"a": ["a", "b"]}')).toBe("['a', 'b']");
    expect(parse('{"a": {"k": "v"}}')).toBe("{'k': 'v'}");
    expect(parse('{"a": 1.5}')).toBe('1.5');
    expect(parse('{"a": true}')).toBe('True');
    expect(parse('{"a": [1, "x", null, true]}')).toBe("[1, 'x', None, True]");
  });

  it("normalises line endings as DSPy's line splitting does", () => {
    // dspy/adapters/chat_adapter.py parse: `for line in completion.splitlines():` … `"\n".join(v).strip()`
    const signature = Signature.from('q -> a: str');
    const text = '[[ ## a ## ]]\nline1\r\nline2\rline3\u2028line4\vline5\n\n[[ ## completed ## ]]';
    expect(new ChatAdapter().parse(signature, text).a).toBe('line1\nline2\nline3\nline4\nline5');
  });

  it('reads a list followed by prose as json_repair does, and NaN for floats', () => {
    // dspy/adapters/utils.py parse_value: `candidate = json_repair.loads(value)`; json_repair 0.61.7
    // reads '["a", "b"]\nThese are the items.' as ['a', 'b']; pydantic reads "NaN" as a float.
    const signature = Signature.from('q -> items: list[str], score: float');
    const adapter = new ChatAdapter();
    const first = adapter.parse(
      signature,
      '[[ ## items ## ]]\n["a", "b"]\nThese are the items.\n\n[[ ## score ## ]]\nNaN\n\n[[ ## completed ## ]]',
    );
    expect(first.items).toEqual(['a', 'b']);
    expect(first.score).toBeNaN();
    const second = adapter.parse(
      signature,
      '[[ ## items ## ]]\n["a", "b"] and that is all\n\n[[ ## score ## ]]\n-Infinity\n\n[[ ## completed ## ]]',
    );
    expect(second).toEqual({ items: ['a', 'b'], score: -Infinity });
  });
});

describe('DSPy 3.3.1 parity: several lists or objects in one field', () => {
  // json_repair 0.61.7 json_parser.py _parse_top_level: "Treat repeated objects as updates: keep the
  // newest value" (`if not is_comma_separated and ObjectComparer.is_same_object(json[-1], j): json.pop()`),
  // else the values add up to a list. Values from DSPy 3.3.1's ChatAdapter.parse on
  // "[[ ## a ## ]]\n{text}\n\n[[ ## completed ## ]]".
  const dspyReads: [string, string, unknown][] = [
    ['list[int]', '[1, 2]\n[3, 4]', [3, 4]],
    ['list[int]', '[1] and [2]', [2]],
    ['list[int]', '[1, 2]\n\n[3, 4]\n\n[5, 6]', [5, 6]],
    ['list[int]', '[1, 2]\nThat is [3, 4] in total', [3, 4]],
    ['list[int]', '[1, 2] true [3, 4]', [3, 4]],
    ['list[int]', '[1] "x" [2]', [2]],
    ['list[int]', '[] [3]', [3]],
    ['list[int]', 'Here: [],\n[true]', [1]],
    ['list[int]', '{} [true]\n{}', [1]],
    ['list[int]', '[1, 2] // note [3, 4]', [1, 2]],
    ['list[int]', '[1, 2] [3, 4', [3, 4]],
    ['list[int]', '```json\n[1, 2]\n```\nor [3, 4]', [3, 4]],
    ['list[str]', '["a"] or maybe ["b"]', ['b']],
    ['list[list[int]]', '[1, 2] [3]', [[1, 2], [3]]],
    [
      'list[list[int]]',
      '[1, 2], [3, 4]',
      [
        [1, 2],
        [3, 4],
      ],
    ],
    ['list[list[int]]', '[1, 2] or [3] or [4, 5]', [[1, 2], [3], [4, 5]]],
    ['dict[str, int]', '{"a": 1} then {"a": 2}', { a: 2 }],
    ['list[dict[str, int]]', '{"a": 1} then {"b": 2}', [{ a: 1 }, { b: 2 }]],
  ];
  it.each(dspyReads)('%s from %j is %j', (type, text, expected) => {
    const signature = Signature.from(`q -> a: ${type}`);
    expect(new ChatAdapter().parse(signature, `[[ ## a ## ]]\n${text}\n\n[[ ## completed ## ]]`).a).toEqual(
      expected,
    );
  });

  // DSPy raises AdapterParseError on these (its reading does not fit the type); x keeps the leading value.
  const forgiving: [string, string, unknown][] = [
    ['list[int]', '[1, 2] [3]', [1, 2]],
    ['list[int]', '[1, 2], [3, 4]', [1, 2]],
    ['list[str]', '["a", "b"] or ["c"]', ['a', 'b']],
    ['dict[str, int]', '{"a": 1} then {"b": 2}', { a: 1 }],
  ];
  it.each(forgiving)('%s from %j keeps the leading %j where DSPy fails', (type, text, expected) => {
    const signature = Signature.from(`q -> a: ${type}`);
    expect(new ChatAdapter().parse(signature, `[[ ## a ## ]]\n${text}\n\n[[ ## completed ## ]]`).a).toEqual(
      expected,
    );
  });
});

describe('DSPy 3.3.1 parity: what json_repair and ast.literal_eval accept', () => {
  // dspy/adapters/utils.py parse_value: `candidate = json_repair.loads(value)`, then
  // `ast.literal_eval(value)` when json_repair gives "", then pydantic. Values from DSPy 3.3.1's
  // ChatAdapter.parse on "[[ ## a ## ]]\n{text}\n\n[[ ## completed ## ]]".
  const cases: [string, string, unknown][] = [
    ['list[int]', 'The list is [1, 2]', [1, 2]],
    ['list[int]', 'The list is [1, 2] and more', [1, 2]],
    ['list[int]', '1, 2, 3', [1, 2, 3]],
    ['list[int]', '(1, 2)', [1, 2]],
    ['list[str]', 'I think ["a"] is right', ['a']],
    ['dict[str, int]', 'Here: {"a": 1}', { a: 1 }],
    ['dict[str, str]', "The answer: {'a': 'x'}", { a: 'x' }],
    ['int', '1_000', 1000],
    ['int', '4.0', 4],
    ['list[int]', '```json\n[1, 2]\n```', [1, 2]],
  ];
  it.each(cases)('%s from %j', (annotation, text, expected) => {
    const signature = Signature.from(`q -> a: ${annotation}`);
    expect(new ChatAdapter().parse(signature, `[[ ## a ## ]]\n${text}\n\n[[ ## completed ## ]]`).a).toEqual(
      expected,
    );
  });
});

describe('DSPy 3.3.1 parity: JSONAdapter responses json_repair reads', () => {
  // dspy/adapters/json_adapter.py parse: `fields = json_repair.loads(completion)`; values from DSPy 3.3.1's
  // JSONAdapter().parse(Signature("q -> a: int, b: list[str]"), text).
  const cases: [string, unknown][] = [
    ['{a: 1, b: [x]}', { a: 1, b: ['x'] }],
    ['{"a": 1, // comment\n "b": ["x"]}', { a: 1, b: ['x'] }],
    ['{"a": True, "b": ["x"]}', { a: 1, b: ['x'] }],
    ['Sure! {"a": 1, "b": ["x"]}', { a: 1, b: ['x'] }],
    ['{"a": 1, "b": ["x"]', { a: 1, b: ['x'] }],
    ['{"a": "1", "b": "[\'x\']"}', { a: 1, b: ['x'] }],
  ];
  it.each(cases)('%j', (text, expected) => {
    expect(new JSONAdapter().parse(Signature.from('q -> a: int, b: list[str]'), text)).toEqual(expected);
  });
});

describe('DSPy 3.3.1 parity: Optional, Union and T | None', () => {
  const cases: [string, string, string][] = [
    // [annotation in the signature, get_annotation_name, JSON schema in translate_field_type]
    ['Optional[str]', 'Union[str, NoneType]', '{"anyOf": [{"type": "string"}, {"type": "null"}]}'],
    ['Union[int, str]', 'Union[int, str]', '{"anyOf": [{"type": "integer"}, {"type": "string"}]}'],
    [
      'list[int] | None',
      'Union[list[int], NoneType]',
      '{"anyOf": [{"type": "array", "items": {"type": "integer"}}, {"type": "null"}]}',
    ],
    [
      "Optional[Literal['x', 'y']]",
      "Union[Literal['x', 'y'], NoneType]",
      '{"anyOf": [{"type": "string", "enum": ["x", "y"]}, {"type": "null"}]}',
    ],
    [
      'Union[int, Union[str, None]]',
      'Union[int, str, NoneType]',
      '{"anyOf": [{"type": "integer"}, {"type": "string"}, {"type": "null"}]}',
    ],
    ['Optional[Optional[int]]', 'Union[int, NoneType]', '{"anyOf": [{"type": "integer"}, {"type": "null"}]}'],
    ['None | int', 'Union[NoneType, int]', '{"anyOf": [{"type": "integer"}, {"type": "null"}]}'],
    [
      'list[Optional[int]]',
      'list[Union[int, NoneType]]',
      '{"type": "array", "items": {"anyOf": [{"type": "integer"}, {"type": "null"}]}}',
    ],
    [
      'Optional[dict[str, int]]',
      'Union[dict[str, int], NoneType]',
      '{"anyOf": [{"type": "object", "additionalProperties": {"type": "integer"}}, {"type": "null"}]}',
    ],
  ];

  it.each(cases)('describes %s as DSPy does', (annotation, name, schema) => {
    // dspy/adapters/utils.py get_annotation_name and translate_field_type (pydantic's json_schema).
    const signature = Signature.from(`q -> a: ${annotation}`);
    const [system, user] = new ChatAdapter().format(signature, [], { q: 'hi' });
    expect(system?.content).toContain(`1. \`a\` (${name}):`);
    expect(system?.content).toContain(
      `{a}        # note: the value you produce must adhere to the JSON schema: ${schema}`,
    );
    expect(user?.content).toContain(`\`[[ ## a ## ]]\` (must be formatted as a valid Python ${name})`);
  });

  const chat = (annotation: string, text: string) =>
    new ChatAdapter().parse(
      Signature.from(`q -> a: ${annotation}`),
      `[[ ## a ## ]]\n${text}\n\n[[ ## completed ## ]]`,
    ).a;

  it('parses them as DSPy does', () => {
    // parse_value: a union of str and None validates the raw text, so it stays a string.
    expect(chat('Optional[str]', 'None')).toBe('None');
    expect(chat('Union[int, str, None]', '42')).toBe('42');
    // Otherwise json_repair / ast.literal_eval first, then pydantic's smart union.
    expect(chat('Optional[int]', 'None')).toBeNull();
    expect(chat('int | None', 'null')).toBeNull();
    expect(chat('Optional[int]', '42')).toBe(42);
    expect(chat('Union[int, str]', '42')).toBe(42);
    expect(chat('Union[int, str]', 'hello')).toBe('hello');
    expect(chat('Union[int, str]', "'x'")).toBe('x');
    expect(chat('Optional[list[str]]', '["a"]')).toEqual(['a']);
    expect(() => chat('Optional[int]', 'hello')).toThrow(/field 'a'/);
  });

  it('fills a missing optional output with null (apply_output_field_defaults)', () => {
    // dspy/adapters/utils.py: `elif annotation_allows_none(field_info.annotation): completed[name] = None`
    const signature = Signature.from('q -> a: Optional[int], b: str');
    expect(new JSONAdapter().parse(signature, '{"b": "x"}')).toEqual({ a: null, b: 'x' });
    expect(new JSONAdapter().parse(signature, '{"a": null, "b": "x"}')).toEqual({ a: null, b: 'x' });
    expect(new ChatAdapter().parse(signature, '[[ ## b ## ]]\nx\n\n[[ ## completed ## ]]')).toEqual({
      a: null,
      b: 'x',
    });
  });

  it('types them in TypeScript', () => {
    const signature = Signature.from('q -> a: Optional[int], b: str | None, c: Union[int, str]');
    const values = new JSONAdapter().parse(signature, '{"a": 1, "b": null, "c": "z"}');
    const a: number | null = values.a;
    const b: string | null = values.b;
    const c: number | string = values.c;
    expect([a, b, c]).toEqual([1, null, 'z']);
    const built = Signature.from({ inputs: { q: 'str' }, outputs: { n: { type: t.optional(t.int) } } });
    expect(new JSONAdapter().parse(built, '{}')).toEqual({ n: null });
  });
});

describe('DSPy 3.3.1 parity: optional and union fields given as schemas', () => {
  // class Pet(BaseModel): name: str; age: int  —  pet: Optional[Pet] = dspy.OutputField()
  const pet = {
    type: 'object',
    properties: { name: { type: 'string', title: 'Name' }, age: { type: 'integer', title: 'Age' } },
    required: ['name', 'age'],
    title: 'Pet',
  };

  it('describes Optional[Model] as pydantic does and parses None and the object', () => {
    const signature = Signature.from({
      inputs: { q: 'str' },
      outputs: { pet: { type: t.optional(t.object(pet)) } },
    });
    const [system] = new ChatAdapter().format(signature, [], { q: 'x' });
    expect(system?.content).toContain('1. `pet` (Union[Pet, NoneType]):');
    expect(system?.content).toContain(
      '{pet}        # note: the value you produce must adhere to the JSON schema: {"$defs": {"Pet": {"type": "object", "properties": {"age": {"type": "integer", "title": "Age"}, "name": {"type": "string", "title": "Name"}}, "required": ["name", "age"], "title": "Pet"}}, "anyOf": [{"$ref": "#/$defs/Pet"}, {"type": "null"}]}',
    );
    // JSONAdapter().parse(S, '{"pet": null}') == {'pet': None}; '{}' too; ChatAdapter "None" too.
    expect(new JSONAdapter().parse(signature, '{"pet": null}')).toEqual({ pet: null });
    expect(new JSONAdapter().parse(signature, '{}')).toEqual({ pet: null });
    expect(new ChatAdapter().parse(signature, '[[ ## pet ## ]]\nNone\n\n[[ ## completed ## ]]')).toEqual({
      pet: null,
    });
    expect(new JSONAdapter().parse(signature, '{"pet": {"name": "Rex", "age": 3}}')).toEqual({
      pet: { name: 'Rex', age: 3 },
    });
  });

  it('reads a JSON schema that only names a type as that type', () => {
    const signature = Signature.from({
      inputs: { q: 'str' },
      outputs: {
        n: { type: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
        tags: { type: { type: 'array', items: { type: 'string' } } },
      },
    });
    const [system] = new ChatAdapter().format(signature, [], { q: 'x' });
    expect(system?.content).toContain('1. `n` (Union[int, NoneType]): \n2. `tags` (list[str]):');
    expect(
      new ChatAdapter().parse(
        signature,
        '[[ ## n ## ]]\nNone\n\n[[ ## tags ## ]]\n["a"]\n\n[[ ## completed ## ]]',
      ),
    ).toEqual({ n: null, tags: ['a'] });
  });
});

describe('DSPy 3.3.1 parity: Any', () => {
  it('describes dict[str, Any] and list[Any] as pydantic does', () => {
    // ChatAdapter().format(Signature("q -> c: dict[str, Any], d: list[Any]"), demos=[], inputs={"q": None})
    expect(
      // DSPy formats a missing (None) input as "None"; the cast stands in for Python's lack of typing.
      new ChatAdapter().format(Signature.from('q -> c: dict[str, Any], d: list[Any]'), [], {
        q: null as unknown as string,
      }),
    ).toEqual([
      {
        role: 'system',
        content:
          'Your input fields are:\n1. `q` (str):\nYour output fields are:\n1. `c` (dict[str, Any]): \n2. `d` (list[Any]):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## q ## ]]\n{q}\n\n[[ ## c ## ]]\n{c}        # note: the value you produce must adhere to the JSON schema: {"type": "object", "additionalProperties": true}\n\n[[ ## d ## ]]\n{d}        # note: the value you produce must adhere to the JSON schema: {"type": "array", "items": {}}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Given the fields `q`, produce the fields `c`, `d`.',
      },
      {
        role: 'user',
        content:
          '[[ ## q ## ]]\nNone\n\nRespond with the corresponding output fields, starting with the field `[[ ## c ## ]]` (must be formatted as a valid Python dict[str, Any]), then `[[ ## d ## ]]` (must be formatted as a valid Python list[Any]), and then ending with the marker for `[[ ## completed ## ]]`.',
      },
    ]);
  });
});

describe('DSPy 3.3.1 parity: output field defaults', () => {
  // class S(dspy.Signature): a: str = dspy.OutputField(default="unknown"); n: int = OutputField(default=7);
  //   o: Optional[int] = OutputField(); r: str = OutputField()
  // ChatAdapter().parse(S, "[[ ## r ## ]]\nyes\n\n[[ ## completed ## ]]") == {'a': 'unknown', 'n': 7, 'o': None, 'r': 'yes'}
  const signature = Signature.from({
    instructions: 'Answer.',
    inputs: { q: 'str' },
    outputs: {
      a: { type: 'str', default: 'unknown' },
      n: { type: 'int', default: 7 },
      o: 'Optional[int]',
      r: 'str',
    },
  });

  it('fills missing fields with their defaults and leaves the prompt unchanged', () => {
    expect(new ChatAdapter().parse(signature, '[[ ## r ## ]]\nyes\n\n[[ ## completed ## ]]')).toEqual({
      a: 'unknown',
      n: 7,
      o: null,
      r: 'yes',
    });
    expect(new JSONAdapter().parse(signature, '{"r": "x"}')).toEqual({ a: 'unknown', n: 7, o: null, r: 'x' });
    expect(() => new ChatAdapter().parse(signature, '[[ ## a ## ]]\nhey\n\n[[ ## completed ## ]]')).toThrow(
      /missing 'r'/,
    );
    expect(new ChatAdapter().format(signature, [], { q: 'x' })[0]?.content).toBe(
      'Your input fields are:\n1. `q` (str):\nYour output fields are:\n1. `a` (str): \n2. `n` (int): \n3. `o` (Union[int, NoneType]): \n4. `r` (str):\nAll interactions will be structured in the following way, with the appropriate values filled in.\n\n[[ ## q ## ]]\n{q}\n\n[[ ## a ## ]]\n{a}\n\n[[ ## n ## ]]\n{n}        # note: the value you produce must be a single int value\n\n[[ ## o ## ]]\n{o}        # note: the value you produce must adhere to the JSON schema: {"anyOf": [{"type": "integer"}, {"type": "null"}]}\n\n[[ ## r ## ]]\n{r}\n\n[[ ## completed ## ]]\nIn adhering to this structure, your objective is: \n        Answer.',
    );
  });
});
