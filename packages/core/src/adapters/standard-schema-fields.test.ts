import * as v from 'valibot';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { z } from 'zod';
import { AdapterParseError } from '../errors/adapter-parse-error.js';
import { t } from '../signature/field-type-builders.js';
import { Signature } from '../signature/signature.js';
import { ChatAdapter } from './chat-adapter.js';
import { JSONAdapter } from './json-adapter.js';

const Person = z.object({ name: z.string(), age: z.number().int() });

describe('object fields from Standard Schema validators', () => {
  it('describes a zod schema with its JSON schema and validates through ~standard', () => {
    const signature = Signature.from({ inputs: { text: 'str' }, outputs: { person: { type: Person } } });
    expectTypeOf(signature).toEqualTypeOf<
      Signature<{ text: string }, { person: { name: string; age: number } }>
    >();
    const [system] = new ChatAdapter().format(signature, [], { text: 'Ada, 36' });
    expect(system?.content).toContain(
      '{person}        # note: the value you produce must adhere to the JSON schema: {"type": "object", "additionalProperties": false, "properties": {"age": {"type": "integer", "maximum": 9007199254740991, "minimum": -9007199254740991}, "name": {"type": "string"}}, "required": ["name", "age"]}',
    );
    const adapter = new ChatAdapter();
    expect(adapter.parse(signature, "[[ ## person ## ]]\n{'name': 'Ada', 'age': 36}")).toEqual({
      person: { name: 'Ada', age: 36 },
    });
    expect(() => adapter.parse(signature, '[[ ## person ## ]]\n{"name": "Ada", "age": "old"}')).toThrow(
      AdapterParseError,
    );
  });

  it('describes a valibot schema (no JSON schema) as an object and validates it', () => {
    const schema = v.object({ city: v.string() });
    const signature = Signature.from({
      inputs: { q: 'str' },
      outputs: { place: { type: t.object(schema, 'Place') } },
    });
    expectTypeOf(signature).toEqualTypeOf<Signature<{ q: string }, { place: { city: string } }>>();
    const [system] = new JSONAdapter().format(signature, [], { q: 'x' });
    expect(system?.content).toContain('1. `place` (Place):');
    expect(system?.content).toContain('must adhere to the JSON schema: {\\"type\\": \\"object\\"}');
    expect(new JSONAdapter().parse(signature, '{"place": {"city": "Oslo"}}')).toEqual({
      place: { city: 'Oslo' },
    });
    expect(() => new JSONAdapter().parse(signature, '{"place": {"town": "Oslo"}}')).toThrow(
      AdapterParseError,
    );
  });

  it('checks required keys of a plain JSON-schema object field', () => {
    const signature = Signature.from({
      inputs: { q: 'str' },
      outputs: { card: { type: { type: 'object', properties: { a: { type: 'string' } }, required: ['a'] } } },
    });
    expect(new ChatAdapter().parse(signature, '[[ ## card ## ]]\n{"a": "x", "b": 1}')).toEqual({
      card: { a: 'x', b: 1 },
    });
    expect(() => new ChatAdapter().parse(signature, '[[ ## card ## ]]\n{"b": 1}')).toThrow(AdapterParseError);
  });
});
