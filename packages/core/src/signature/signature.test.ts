import { describe, expect, expectTypeOf, it } from 'vitest';
import { t } from './field-type-builders.js';
import { Signature } from './signature.js';
import { SignatureError } from './signature-error.js';

// DSPy's placeholder descriptions are literal `${name}` strings, not templates.
const reasoningDesc = ['$', '{reasoning}'].join('');
const questionDesc = ['$', '{question}'].join('');

describe('Signature.from (string form)', () => {
  it('parses typed fields in order, untyped fields are str', () => {
    const signature = Signature.from('question: str, context: list[str] -> answer: int, notes');
    expect(signature.inputFields.map((field) => [field.name, field.type])).toEqual([
      ['question', { kind: 'str' }],
      ['context', { kind: 'list', items: { kind: 'str' } }],
    ]);
    expect(signature.outputFields.map((field) => [field.name, field.type])).toEqual([
      ['answer', { kind: 'int' }],
      ['notes', { kind: 'str' }],
    ]);
    expect(signature.fields.map((field) => field.role)).toEqual(['input', 'input', 'output', 'output']);
    expect(String(signature)).toBe('question, context -> answer, notes');
  });

  it('uses DSPy default instructions, desc and prefix', () => {
    const signature = Signature.from('question, context -> answer');
    expect(signature.instructions).toBe(
      'Given the fields `question`, `context`, produce the fields `answer`.',
    );
    expect(signature.field('question')).toMatchObject({ desc: questionDesc, prefix: 'Question:' });
    expect(Signature.from('a -> b', 'Be brief.').instructions).toBe('Be brief.');
    expect(Signature.from('a -> b', '').instructions).toBe('');
  });

  it('parses dict, Literal, nested and alias types', () => {
    const signature = Signature.from(
      `a: dict[str, list[int]], b: Literal['x', "y's", 3, True], c: float, d: bool, e: string -> f: List[Dict[str, float]]`,
    );
    expect(signature.fields.map((field) => field.type)).toEqual([
      { kind: 'dict', values: { kind: 'list', items: { kind: 'int' } } },
      { kind: 'literal', values: ['x', "y's", 3, true] },
      { kind: 'float' },
      { kind: 'bool' },
      { kind: 'str' },
      { kind: 'list', items: { kind: 'dict', values: { kind: 'float' } } },
    ]);
  });

  it.each([
    ['question answer', "exactly one '->'"],
    ['a -> b -> c', "exactly one '->'"],
    ['a: -> b', 'missing type'],
    ['a: list[str -> b', 'unbalanced brackets'],
    ['a: tensor -> b', 'unknown field type'],
    ['a, a -> b', 'duplicate field'],
    ['a b -> c', 'identifiers'],
    ['a: dict[int, str] -> b', 'dict[str, T]'],
    ['a, , b -> c', 'empty field name'],
    ["a: Literal['x -> b", 'unterminated quote'],
  ])('rejects %j with a SignatureError (%s)', (spec, message) => {
    let caught: unknown;
    try {
      Signature.from(spec);
    } catch (error) {
      caught = error;
    }
    expect(SignatureError.isInstance(caught)).toBe(true);
    expect((caught as SignatureError).message).toContain(message);
    expect((caught as SignatureError).text.length).toBeGreaterThan(0);
  });

  it('infers static types from a literal spec', () => {
    const signature = Signature.from(
      "q: str, ctx: list[str], meta: dict[str, int], pick: Literal['a', 'b'] -> n: int, ok: bool, free",
    );
    expectTypeOf(signature).toEqualTypeOf<
      Signature<
        { q: string; ctx: string[]; meta: Record<string, number>; pick: 'a' | 'b' },
        { n: number; ok: boolean; free: string }
      >
    >();
    expectTypeOf(Signature.from('q: str -> n: int')).toEqualTypeOf<Signature<{ q: string }, { n: number }>>();
  });
});

describe('Signature.from (object form)', () => {
  it('keeps declaration order, descriptions and prefixes', () => {
    const signature = Signature.from({
      instructions: 'Classify.',
      inputs: { text: { type: 'str', desc: 'The text' } },
      outputs: {
        label: { type: ['pos', 'neg'] as const, prefix: 'Label:' },
        score: 'float',
        color: { type: { RED: 'red', BLUE: 'blue' } },
        tags: { type: t.list(t.str) },
      },
    });
    expect(signature.instructions).toBe('Classify.');
    expect(signature.field('text')).toMatchObject({ desc: 'The text', prefix: 'Text:' });
    expect(signature.outputFields.map((field) => field.type.kind)).toEqual([
      'literal',
      'float',
      'enum',
      'list',
    ]);
    expectTypeOf(signature).toEqualTypeOf<
      Signature<
        { text: string },
        { label: 'pos' | 'neg'; score: number; color: 'red' | 'blue'; tags: string[] }
      >
    >();
  });

  it('reads TS enums, skipping numeric reverse mappings', () => {
    enum Level {
      Low = 0,
      High = 1,
    }
    const signature = Signature.from({
      inputs: { q: 'str' },
      outputs: { level: { type: t.enum(Level, 'Level') } },
    });
    expect(signature.field('level')?.type).toEqual({
      kind: 'enum',
      name: 'Level',
      members: [
        { name: 'Low', value: 0 },
        { name: 'High', value: 1 },
      ],
    });
  });

  it('rejects a bad field name and an unsupported type', () => {
    expect(() => Signature.from({ inputs: { 'bad name': 'str' }, outputs: { a: 'str' } })).toThrow(
      SignatureError,
    );
    expect(() => Signature.from({ inputs: { a: { type: 42 as never } }, outputs: { b: 'str' } })).toThrow(
      SignatureError,
    );
  });
});

describe('Signature changes', () => {
  const base = Signature.from('question -> answer');

  it('prepends the ChainOfThought reasoning field, keeping instructions', () => {
    const cot = base.prepend(
      'reasoning',
      { desc: reasoningDesc, prefix: "Reasoning: Let's think step by step in order to" },
      'output',
    );
    expect(cot.outputFields.map((field) => field.name)).toEqual(['reasoning', 'answer']);
    expect(cot.field('reasoning')).toMatchObject({
      type: { kind: 'str' },
      desc: reasoningDesc,
      prefix: "Reasoning: Let's think step by step in order to",
    });
    expect(cot.instructions).toBe(base.instructions);
    expect(base.outputFields).toHaveLength(1);
    expectTypeOf(cot).toEqualTypeOf<Signature<{ question: string }, { reasoning: string; answer: string }>>();
  });

  it('appends, inserts, deletes and replaces instructions', () => {
    const appended = base.append('context', { type: 'list[str]' }, 'input');
    expect(appended.inputFields.map((field) => field.name)).toEqual(['question', 'context']);
    expectTypeOf(appended).toEqualTypeOf<
      Signature<{ context: string[]; question: string }, { answer: string }>
    >();
    expect(appended.insert(1, 'hint', {}, 'input').inputFields.map((field) => field.name)).toEqual([
      'question',
      'hint',
      'context',
    ]);
    expect(appended.delete('context').inputFields.map((field) => field.name)).toEqual(['question']);
    expect(base.withInstructions('New.').instructions).toBe('New.');
    expect(() => base.insert(5, 'x', {}, 'output')).toThrow(SignatureError);
    expect(() => base.append('answer', {}, 'output')).toThrow(SignatureError);
  });

  it('infers prefixes the way DSPy does', async () => {
    const { inferPrefix } = await import('./infer-prefix.js');
    expect(inferPrefix('camelCaseText')).toBe('Camel Case Text');
    expect(inferPrefix('snake_case_text')).toBe('Snake Case Text');
    expect(inferPrefix('text2number')).toBe('Text 2 Number');
    expect(inferPrefix('HTMLParser')).toBe('HTML Parser');
  });
});
